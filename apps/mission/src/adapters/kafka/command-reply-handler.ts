import type { Logger } from 'pino';
import { CommandReplyRecord, commandReplyRecordSchema } from '@dock/contracts';
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
    const replies: CommandReplyRecord[] = [];
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
      replies.push(decoded.value);
    }
    // In sets: one transaction per slice of the batch, not one per reply.
    for (let i = 0; i < replies.length; i += REPLIES_PER_TRANSACTION) {
      await this.missions.handleReplies(replies.slice(i, i + REPLIES_PER_TRANSACTION));
    }
  }
}

/** Replies answered in one transaction at most. */
const REPLIES_PER_TRANSACTION = 200;
