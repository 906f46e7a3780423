import { z } from 'zod';

const ms = z.number().int().nonnegative();
const sn = z.string().min(1).max(64);

/**
 * A device change (value of registry.device-events, keyed by the gateway SN): presence
 * (online/offline), topology (the gateway's sub-devices) or binding (joined/left an
 * organization). Written by the registry service through its outbox: at-least-once, in the
 * order the changes committed per gateway.
 */
export const deviceEventRecordSchema = z.object({
  schemaVersion: z.literal(1),
  kind: z.enum(['presence', 'topology', 'binding']),
  /** The dock the device belongs to (the record key). */
  gatewaySn: sn,
  /** The device the change is about: the dock itself or one of its sub-devices. */
  deviceSn: sn,
  role: z.enum(['gateway', 'sub_device']),
  /** The organization the device belongs to after the change (binding: the one joined or left). */
  organizationId: z.string().nullable(),
  /** Product key "{domain}-{type}-{sub_type}" and its model name, when known. */
  modelKey: z.string().nullable(),
  model: z.string().nullable(),
  callsign: z.string().nullable(),
  /** presence: the new state. */
  online: z.boolean().optional(),
  /** topology: the sub-devices the gateway lists now (empty: its aircraft went offline). */
  subDeviceSns: z.array(sn).optional(),
  /** binding: true = bound, false = unbound. */
  bound: z.boolean().optional(),
  /** Why, e.g. "update_topo", "silent for 60000 ms", "airport_organization_bind". */
  cause: z.string(),
  /** When the change happened (ms). */
  at: ms,
});
export type DeviceEventRecord = z.infer<typeof deviceEventRecordSchema>;

/**
 * What a device event says about which organization a dock belongs to (the services that
 * scope by dock, mission and alerts, learn it here): the dock's own binding change, null for
 * anything else (an aircraft's binding says nothing about its dock).
 */
export function dockBindingOf(
  record: DeviceEventRecord,
): { gatewaySn: string; organizationId: string | null; at: number } | null {
  if (record.kind !== 'binding' || record.role !== 'gateway') return null;
  if (record.deviceSn !== record.gatewaySn || record.bound === undefined) return null;
  return {
    gatewaySn: record.gatewaySn,
    // Unbound: the record names the organization left; the dock belongs to none of them now.
    organizationId: record.bound ? record.organizationId : null,
    at: record.at,
  };
}
