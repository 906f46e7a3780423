import type { Logger } from 'pino';
import { hmsAlertRecordSchema, taskEventRecordSchema, uplinkRecordSchema } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import type { OrganizationLookup } from '../../application/organization-lookup';
import type { EnqueueItem, WebhookStore } from '../../application/ports';
import { passesThrottle } from '../../domain/webhooks/progress-throttle';
import {
  hmsAlertEvent,
  positionId,
  presenceEvent,
  taskStateEvent,
  uplinkEvents,
} from '../../domain/webhooks/source-events';
import type { AlertsMetrics } from '../../alerts-metrics';
import type { AlertsTopics } from './alerts-topics';
import { readPresence } from './registry-device-event';

/**
 * Turns the records of the source topics into webhook deliveries: one transaction per batch
 * (all of the batch's deliveries or none, and the offsets commit only after it), redelivered
 * records are no-ops (stable event ids). The dispatcher is woken when something was queued.
 */
export class WebhookSourceHandler {
  constructor(
    private readonly topics: AlertsTopics,
    private readonly store: WebhookStore,
    private readonly organizations: OrganizationLookup,
    private readonly progressIntervalMs: number,
    private readonly metrics: AlertsMetrics,
    private readonly logger: Logger,
    private readonly onQueued: () => void,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    const items: EnqueueItem[] = [];
    // An organization lookup that fails throws: the batch is retried (consumer guard).
    for (const record of records) items.push(...(await this.itemsOf(record)));
    const queued = await this.store.enqueue(items, Date.now(), (last, next) =>
      passesThrottle(last, next, this.progressIntervalMs),
    );
    if (queued > 0) this.onQueued();
  }

  private async itemsOf(record: ConsumedRecord): Promise<EnqueueItem[]> {
    const position = { topic: record.topic, partition: record.partition, offset: record.offset };
    const value = record.message.value;
    switch (record.topic) {
      case this.topics.taskEvents: {
        const decoded = decodeRecord(value, taskEventRecordSchema);
        if (!decoded.ok) return this.skip(record, decoded.error);
        const org = await this.organizations.organizationOf(decoded.value.gatewaySn);
        return [{ event: taskStateEvent(decoded.value, org) }];
      }
      case this.topics.hmsAlerts: {
        const decoded = decodeRecord(value, hmsAlertRecordSchema);
        if (!decoded.ok) return this.skip(record, decoded.error);
        return [{ event: hmsAlertEvent(decoded.value) }];
      }
      case this.topics.uplinkEvents: {
        const decoded = decodeRecord(value, uplinkRecordSchema);
        if (!decoded.ok) return this.skip(record, decoded.error);
        const method = decoded.value.method;
        if (
          method !== 'flighttask_progress' &&
          method !== 'return_home_info' &&
          method !== 'device_exit_homing_notify' &&
          method !== 'file_upload_callback'
        ) {
          return [];
        }
        const org = await this.organizations.organizationOf(decoded.value.gatewaySn);
        const mapped = uplinkEvents(decoded.value, position, org);
        switch (mapped.kind) {
          case 'event':
            return [{ event: mapped.event }];
          case 'progress':
            return [
              { event: mapped.event, throttle: { flightId: mapped.flightId, mark: mapped.mark } },
            ];
          case 'media':
            return mapped.events.map((event) => ({ event }));
          case 'none':
            return [];
        }
        return [];
      }
      case this.topics.deviceEvents: {
        let json: unknown;
        try {
          json = value ? JSON.parse(value.toString('utf8')) : null;
        } catch {
          return this.skip(record, 'record value is not JSON');
        }
        const presence = readPresence(json);
        if (!presence) return [];
        const org =
          presence.organizationId ?? (await this.organizations.organizationOf(presence.gatewaySn));
        return [
          {
            event: presenceEvent(
              {
                id: presence.id ?? positionId(position),
                gatewaySn: presence.gatewaySn,
                sn: presence.sn,
                online: presence.online,
                at: presence.at ?? Number(record.message.timestamp),
              },
              org,
            ),
          },
        ];
      }
      default:
        return [];
    }
  }

  private skip(record: ConsumedRecord, error: string): EnqueueItem[] {
    this.metrics.skippedRecords.inc({ topic: record.topic, reason: 'malformed' });
    this.logger.warn(
      { topic: record.topic, partition: record.partition, offset: record.offset, error },
      'record skipped',
    );
    return [];
  }
}
