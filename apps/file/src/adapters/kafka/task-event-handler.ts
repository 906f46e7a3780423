import type { Logger } from 'pino';
import { taskEventOrganization, taskEventRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import type { FlightResources } from '../../domain/flights/flight-resources';
import type { FileMetrics } from '../../file-metrics';

/**
 * Learns, from the mission service's task events, which wayline each flight flies and whether
 * its task is final: the record that answers docks while the mission service is down, and that
 * refuses deleting a wayline a live task uses.
 */
export class TaskEventHandler {
  constructor(
    private readonly resources: FlightResources,
    private readonly metrics: FileMetrics,
    private readonly logger: Logger,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    for (const record of records) {
      const decoded = decodeRecord(record.message.value, taskEventRecordSchema);
      if (!decoded.ok) {
        this.metrics.skippedRecords.inc({ topic: record.topic, reason: 'malformed' });
        this.logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            error: decoded.error,
          },
          'task event skipped',
        );
        continue;
      }
      const event = decoded.value;
      await this.resources.observe({
        flightId: event.flightId,
        // Records from before organizations belong to the default organization.
        organizationId: taskEventOrganization(event),
        waylineId: event.waylineId,
        gatewaySn: event.gatewaySn,
        state: event.state,
        version: event.version,
        at: new Date(event.at),
      });
      this.logger.debug(
        { flightId: event.flightId, waylineId: event.waylineId, state: event.state },
        'task event applied',
      );
    }
  }
}
