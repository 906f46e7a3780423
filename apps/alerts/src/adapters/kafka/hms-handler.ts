import type { Logger } from 'pino';
import { uplinkRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import { isFinalTaskStatus, validateHmsData } from '@dock/protocol';
import type { HmsService } from '../../application/hms-service';
import type { HmsStore } from '../../application/ports';
import type { AlertsMetrics } from '../../alerts-metrics';

/**
 * dock.uplink.events -> HMS alerts: applies each hms message, and follows flighttask_progress
 * so alerts raised during a flight carry its id. Records of one dock arrive in order (one
 * partition per dock), so one dock's messages are applied one after another.
 */
export class HmsHandler {
  constructor(
    private readonly hms: HmsService,
    private readonly store: HmsStore,
    private readonly metrics: AlertsMetrics,
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    for (const record of records) {
      const decoded = decodeRecord(record.message.value, uplinkRecordSchema);
      if (!decoded.ok) {
        this.skip(record, 'malformed', decoded.error);
        continue;
      }
      const uplink = decoded.value;
      const at = uplink.timestamp ?? uplink.receivedAt;
      if (uplink.method === 'flighttask_progress') {
        const output = (
          uplink.data as { output?: { status?: unknown; ext?: { flight_id?: unknown } } }
        )?.output;
        const flightId = output?.ext?.flight_id;
        if (typeof flightId === 'string' && flightId.length > 0) {
          await this.store.observeFlight(
            uplink.gatewaySn,
            flightId,
            !isFinalTaskStatus(output?.status),
            at,
          );
        }
        continue;
      }
      if (uplink.method !== 'hms') continue;
      const data = validateHmsData(uplink.data, []);
      if (!data.ok) {
        this.skip(record, 'invalid_hms', data.error.message);
        continue;
      }
      const outcome = await this.hms.apply(uplink.gatewaySn, at, data.value.list);
      if (outcome.stale) this.metrics.skippedRecords.inc({ topic: record.topic, reason: 'stale' });
      if (outcome.raised > 0) this.metrics.hmsChanges.inc({ change: 'raised' }, outcome.raised);
      if (outcome.cleared > 0) this.metrics.hmsChanges.inc({ change: 'cleared' }, outcome.cleared);
      if (outcome.raised + outcome.cleared > 0) {
        this.onChange();
        this.logger.info({ gatewaySn: uplink.gatewaySn, ...outcome }, 'hms alerts changed');
      }
    }
  }

  private skip(record: ConsumedRecord, reason: string, error: string): void {
    this.metrics.skippedRecords.inc({ topic: record.topic, reason });
    this.logger.warn(
      { topic: record.topic, partition: record.partition, offset: record.offset, error },
      'record skipped',
    );
  }
}
