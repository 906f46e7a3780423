import { randomUUID } from 'node:crypto';
import type { HmsAlertRecord } from '@dock/contracts';
import type { HmsEntry } from '@dock/protocol';
import { alertFacts, indexOf, StoredAlert } from '../domain/hms/hms-alert';
import { diffHmsList } from '../domain/hms/hms-diff';
import type { HmsMessages } from '../domain/hms/hms-messages';
import type { OrganizationLookup } from './organization-lookup';
import type { HmsStore } from './ports';

export interface HmsOutcome {
  raised: number;
  repeated: number;
  cleared: number;
  /** true when the message was older than the last one applied, and ignored. */
  stale: boolean;
}

/**
 * Applies each dock's hms messages: the latest message is the device's complete alert set
 * (see diffHmsList). One transaction per message, holding the dock's row lock, writes the alert
 * rows and the alerts.hms records of what was raised and cleared (transactional outbox), so a
 * crash never leaves an alert stored without its event or the reverse.
 */
export class HmsService {
  constructor(
    private readonly store: HmsStore,
    private readonly organizations: OrganizationLookup,
    private readonly messages: HmsMessages,
  ) {}

  async apply(gatewaySn: string, at: number, list: readonly HmsEntry[]): Promise<HmsOutcome> {
    const organizationId = await this.organizations.organizationOf(gatewaySn);
    return this.store.withDock(gatewaySn, async (tx) => {
      // A message older than the last applied (a late redelivery) must not resurrect alerts.
      if (tx.lastHmsAt !== null && at < tx.lastHmsAt) {
        return { raised: 0, repeated: 0, cleared: 0, stale: true };
      }
      const diff = diffHmsList(await tx.activeAlerts(), list);
      for (const { key, entry } of diff.raised) {
        const alert: StoredAlert = {
          id: randomUUID(),
          key,
          gatewaySn,
          flightId: tx.activeFlightId,
          deviceType: entry.device_type,
          code: entry.code,
          level: entry.level,
          module: entry.module,
          inTheSky: entry.in_the_sky === 1,
          imminent: entry.imminent === 1,
          componentIndex: indexOf(entry.args.component_index),
          sensorIndex: indexOf(entry.args.sensor_index),
          args: { ...entry.args },
          message: this.messages.describe(entry),
          firstSeenAt: at,
          lastSeenAt: at,
          clearedAt: null,
          count: 1,
        };
        await tx.insertAlert(alert, organizationId);
        await tx.outbox(toRecord('raised', alert, organizationId, at));
      }
      for (const { alert, entry } of diff.repeated) {
        // Same message repeated (a redelivery at the same timestamp) is not counted twice.
        if (at === alert.lastSeenAt) continue;
        await tx.updateAlert({
          ...alert,
          level: entry.level,
          inTheSky: entry.in_the_sky === 1,
          imminent: entry.imminent === 1,
          args: { ...entry.args },
          message: this.messages.describe(entry) ?? alert.message,
          lastSeenAt: at,
          count: alert.count + 1,
        });
      }
      for (const alert of diff.cleared) {
        const cleared = { ...alert, clearedAt: at };
        await tx.updateAlert(cleared);
        await tx.outbox(toRecord('cleared', cleared, organizationId, at));
      }
      await tx.markApplied(at);
      return {
        raised: diff.raised.length,
        repeated: diff.repeated.length,
        cleared: diff.cleared.length,
        stale: false,
      };
    });
  }
}

function toRecord(
  type: 'raised' | 'cleared',
  alert: StoredAlert,
  organizationId: string,
  at: number,
): HmsAlertRecord {
  return {
    schemaVersion: 1,
    id: `${alert.id}:${type}`,
    type,
    alertId: alert.id,
    organizationId,
    ...alertFacts(alert),
    firstSeenAt: alert.firstSeenAt,
    lastSeenAt: alert.lastSeenAt,
    clearedAt: alert.clearedAt,
    count: alert.count,
    at,
  };
}
