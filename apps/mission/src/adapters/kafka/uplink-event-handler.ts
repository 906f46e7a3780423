import type { Logger } from 'pino';
import { uplinkRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import { EVENT_DATA_VALIDATORS } from '@dock/protocol';
import type { MissionService } from '../../application/mission-service';

/**
 * dock.uplink.events: flighttask_progress moves tasks on, flighttask_ready starts conditional
 * tasks. Other events are someone else's business. The gateway normalised the data already;
 * it is validated again because a topic is an input like any other.
 */
export class UplinkEventHandler {
  constructor(
    private readonly missions: MissionService,
    private readonly logger: Logger,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    // Progress reports go in sets (one transaction per run of them), in arrival order; a
    // flighttask_ready between them is handled in its place.
    let progress: Parameters<MissionService['handleProgressReports']>[0][number][] = [];
    const flush = async () => {
      for (let i = 0; i < progress.length; i += REPORTS_PER_TRANSACTION) {
        await this.missions.handleProgressReports(progress.slice(i, i + REPORTS_PER_TRANSACTION));
      }
      progress = [];
    };
    for (const record of records) {
      const decoded = decodeRecord(record.message.value, uplinkRecordSchema);
      if (!decoded.ok) {
        this.skip(record, decoded.error);
        continue;
      }
      const event = decoded.value;
      if (event.family !== 'events') continue;
      if (event.method === 'flighttask_progress') {
        const data = EVENT_DATA_VALIDATORS.flighttask_progress(event.data, []);
        if (!data.ok) {
          this.skip(record, data.error.message);
          continue;
        }
        const flightId = data.value.output.ext?.flight_id || event.bid;
        if (!flightId) {
          this.skip(record, 'progress without a flight id (ext.flight_id or bid)');
          continue;
        }
        progress.push({
          gatewaySn: event.gatewaySn,
          flightId,
          report: { data: data.value, reportedAt: event.timestamp ?? event.receivedAt },
        });
      } else if (event.method === 'flighttask_ready') {
        const data = EVENT_DATA_VALIDATORS.flighttask_ready(event.data, []);
        if (!data.ok) {
          this.skip(record, data.error.message);
          continue;
        }
        await flush();
        await this.missions.handleReady(event.gatewaySn, data.value.flight_ids);
      }
    }
    await flush();
  }

  private skip(record: ConsumedRecord, error: string): void {
    this.logger.warn(
      { topic: record.topic, partition: record.partition, offset: record.offset, error },
      'uplink event skipped',
    );
  }
}

/** Progress reports applied in one transaction at most. */
const REPORTS_PER_TRANSACTION = 200;
