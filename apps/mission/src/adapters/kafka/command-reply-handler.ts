import type { Logger } from 'pino';
import { commandReplyRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import type { MissionService } from '../../application/mission-service';

/**
 * dock.command-replies: the outcome of each command. Replies to other services' commands are
 * not in our command table and change nothing; a redelivered reply finds its command answered.
 */
export class CommandReplyHandler {
  constructor(
    private readonly missions: MissionService,
    private readonly logger: Logger,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    for (const record of records) {
      const decoded = decodeRecord(record.message.value, commandReplyRecordSchema);
      if (!decoded.ok) {
        this.logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            error: decoded.error,
          },
          'command reply skipped: malformed',
        );
        continue;
      }
      await this.missions.handleReply(decoded.value);
    }
  }
}
