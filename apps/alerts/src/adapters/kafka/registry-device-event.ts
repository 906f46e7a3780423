import { z } from 'zod';

/**
 * registry.device-events as far as webhooks need it (device online/offline). The registry's
 * own record schema is not on this branch, so this reads defensively: any record with a
 * gateway SN, a device SN and a presence flag is a presence change; everything else on the
 * topic (bindings, topology) is passed over. Replace with the registry's contract schema once
 * merged.
 */
export const presenceRecordSchema = z
  .object({
    type: z.string().optional(),
    id: z.string().min(1).optional(),
    gatewaySn: z.string().min(1).max(64),
    sn: z.string().min(1).max(64).optional(),
    organizationId: z.string().min(1).optional(),
    /** true / "online" / false / "offline" */
    presence: z.union([z.boolean(), z.enum(['online', 'offline'])]).optional(),
    online: z.boolean().optional(),
    at: z.number().int().nonnegative().optional(),
  })
  .passthrough();

export interface Presence {
  id: string | null;
  gatewaySn: string;
  sn: string;
  online: boolean;
  at: number | null;
  organizationId: string | null;
}

/** The presence change a record carries, or null when it is about something else. */
export function readPresence(value: unknown): Presence | null {
  const parsed = presenceRecordSchema.safeParse(value);
  if (!parsed.success) return null;
  const record = parsed.data;
  let online: boolean | undefined;
  if (typeof record.presence === 'boolean') online = record.presence;
  else if (record.presence) online = record.presence === 'online';
  else if (typeof record.online === 'boolean') online = record.online;
  else if (record.type === 'online' || record.type === 'device.online') online = true;
  else if (record.type === 'offline' || record.type === 'device.offline') online = false;
  if (online === undefined) return null;
  return {
    id: record.id ?? null,
    gatewaySn: record.gatewaySn,
    sn: record.sn ?? record.gatewaySn,
    online,
    at: record.at ?? null,
    organizationId: record.organizationId ?? null,
  };
}
