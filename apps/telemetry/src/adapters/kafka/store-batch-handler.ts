import type { ConsumedRecord } from '@dock/kafka';
import type { Logger } from 'pino';
import type { TelemetryWriter } from '../../domain/telemetry-writer';
import { groupItems, TelemetryItem, TelemetryKind } from '../../domain/telemetry-rows';
import type { TelemetryMetrics } from '../../telemetry-metrics';
import { decodeUplink } from './uplink-decoding';

/**
 * Handles one fetched Kafka batch (one partition, in order): decode and map every record, then
 * store all of them in one transaction. Bad records are logged and counted, never thrown: a
 * throw means the database failed, and startConsumer then redelivers the batch uncommitted.
 */
export class StoreBatchHandler {
  constructor(
    private readonly writer: TelemetryWriter,
    private readonly metrics: TelemetryMetrics,
    private readonly logger: Logger,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    const items: TelemetryItem[] = [];
    const topic = records[0]?.topic ?? 'unknown';
    for (const record of records) {
      const outcome = decodeUplink(record);
      if (outcome.ok) {
        items.push(outcome.item);
      } else if (outcome.skip === 'invalid') {
        this.metrics.records.inc({ topic, kind: 'unknown', outcome: 'invalid' });
        this.logger.warn(
          { topic, partition: record.partition, offset: record.offset, reason: outcome.reason },
          'skipping a record telemetry cannot store',
        );
      } else {
        this.metrics.records.inc({ topic, kind: 'other', outcome: 'ignored' });
      }
    }
    this.metrics.batchRecords.observe(records.length);
    if (items.length === 0) return;

    const stopTimer = this.metrics.batchWriteSeconds.startTimer();
    const outcome = await this.writer.write(groupItems(items));
    stopTimer();
    const fromOtherDock = outcome.progress.fromOtherDock ?? 0;
    if (fromOtherDock > 0) {
      this.metrics.records.inc(
        { topic, kind: 'progress', outcome: 'from_other_dock' },
        fromOtherDock,
      );
      this.logger.warn(
        { topic, partition: records[0]?.partition, reports: fromOtherDock },
        'progress about a flight of another dock: recorded and flagged, not the flight progress',
      );
    }
    for (const [kind, counts] of Object.entries(outcome) as [
      TelemetryKind,
      { stored: number; duplicates: number },
    ][]) {
      if (counts.stored > 0)
        this.metrics.records.inc({ topic, kind, outcome: 'stored' }, counts.stored);
      if (counts.duplicates > 0) {
        this.metrics.records.inc({ topic, kind, outcome: 'duplicate' }, counts.duplicates);
      }
    }
    this.logger.debug(
      { topic, partition: records[0]?.partition, records: records.length, outcome },
      'batch stored',
    );
  }
}
