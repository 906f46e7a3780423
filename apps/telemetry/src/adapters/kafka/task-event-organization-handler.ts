import type { Logger } from 'pino';
import { taskEventOrganization, taskEventRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import type { OrganizationDirectory, OrganizationFact } from '../../domain/organizations';
import type { TelemetryMetrics } from '../../telemetry-metrics';

/**
 * Learns from the mission service's task events which organization each flight and dock
 * belongs to (docks do not say). Only that is read from the records; telemetry stores no task
 * state. Bad records are counted and logged, never thrown (a throw means the database failed
 * and the batch is redelivered).
 */
export class TaskEventOrganizationHandler {
  constructor(
    private readonly directory: OrganizationDirectory,
    private readonly metrics: TelemetryMetrics,
    private readonly logger: Logger,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    const facts: OrganizationFact[] = [];
    for (const record of records) {
      const decoded = decodeRecord(record.message.value, taskEventRecordSchema);
      if (!decoded.ok) {
        this.metrics.records.inc({ topic: record.topic, kind: 'task_event', outcome: 'invalid' });
        this.logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            reason: decoded.error,
          },
          'skipping a task event telemetry cannot read',
        );
        continue;
      }
      const event = decoded.value;
      facts.push({
        flightId: event.flightId,
        gatewaySn: event.gatewaySn,
        // Records from before organizations belong to the default organization.
        organizationId: taskEventOrganization(event),
        at: event.at,
      });
    }
    if (facts.length === 0) return;
    await this.directory.learn(facts);
    this.metrics.records.inc(
      { topic: records[0]?.topic ?? 'unknown', kind: 'task_event', outcome: 'stored' },
      facts.length,
    );
  }
}
