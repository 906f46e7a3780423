import type { Logger } from 'pino';
import {
  deviceEventRecordSchema,
  hmsAlertRecordSchema,
  taskEventOrganization,
  taskEventRecordSchema,
  uplinkRecordSchema,
} from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import type { DockBindings, OrganizationLookup } from '../../application/organization-lookup';
import type { EnqueueItem, WebhookStore } from '../../application/ports';
import { dockBindingOf, presenceOf } from '../../domain/device-events';
import { passesThrottle } from '../../domain/webhooks/progress-throttle';
import {
  hmsAlertEvent,
  presenceEvent,
  taskStateEvent,
  uplinkEvents,
} from '../../domain/webhooks/source-events';
import type { AlertsMetrics } from '../../alerts-metrics';
import type { AlertsTopics } from './alerts-topics';

/**
 * Turns the records of the source topics into webhook deliveries, and learns the docks'
 * organizations from the registry's binding events on the way (recorded as they are read, so
 * the records after a binding in the same batch already take its organization): one transaction per batch
 * (all of the batch's deliveries or none, and the offsets commit only after it), redelivered
 * records are no-ops (stable event ids). The dispatcher is woken when something was queued.
 */
export class WebhookSourceHandler {
  constructor(
    private readonly topics: AlertsTopics,
    private readonly store: WebhookStore,
    private readonly organizations: OrganizationLookup,
    private readonly bindings: DockBindings,
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
        // The task's own organization (mission wrote it), whatever the dock's is now.
        return [{ event: taskStateEvent(decoded.value, taskEventOrganization(decoded.value)) }];
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
        const decoded = decodeRecord(value, deviceEventRecordSchema);
        if (!decoded.ok) return this.skip(record, decoded.error);
        const binding = dockBindingOf(decoded.value);
        if (binding) {
          await this.bindings.recordBinding(binding);
          return [];
        }
        const presence = presenceOf(decoded.value);
        if (!presence) return [];
        // A device bound to no organization: its dock's (the default one until that is known).
        const org =
          presence.organizationId ?? (await this.organizations.organizationOf(presence.gatewaySn));
        return [{ event: presenceEvent(presence, org) }];
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
