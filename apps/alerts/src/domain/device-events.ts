import { createHash } from 'node:crypto';
import type { DeviceEventRecord } from '@dock/contracts';

/**
 * What the alerts service reads from the registry's device events (registry.device-events):
 * a dock's binding, for the organization of its alerts and webhooks, and presence changes, for
 * the device.online / device.offline webhooks. Topology changes give nothing.
 */

/** The dock's own binding change: one definition for every consumer (libs/contracts). */
export { dockBindingOf } from '@dock/contracts';

export interface PresenceChange {
  /** Stable per change: the registry's outbox may write a change twice (at-least-once). */
  readonly id: string;
  readonly gatewaySn: string;
  readonly sn: string;
  readonly online: boolean;
  readonly at: number;
  /** The device's organization as the registry knew it; null when it is bound to none. */
  readonly organizationId: string | null;
}

export function presenceOf(record: DeviceEventRecord): PresenceChange | null {
  if (record.kind !== 'presence' || record.online === undefined) return null;
  return {
    id: createHash('sha256')
      .update(`presence/${record.gatewaySn}/${record.deviceSn}/${record.online}/${record.at}`)
      .digest('hex')
      .slice(0, 32),
    gatewaySn: record.gatewaySn,
    sn: record.deviceSn,
    online: record.online,
    at: record.at,
    organizationId: record.organizationId,
  };
}
