import type { BindingCode } from '../../domain/binding-code';
import type { Device } from '../../domain/device';
import type { Organization } from '../../domain/organization';

export type Row = Record<string, unknown>;

/** bigint columns come back from pg as strings. */
const msOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const textOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

export function organizationOf(row: Row): Organization {
  return {
    id: String(row.id),
    name: String(row.name),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export function bindingCodeOf(row: Row): BindingCode {
  return {
    id: String(row.id),
    organizationId: String(row.organization_id),
    codeHash: String(row.code_hash),
    hint: String(row.hint),
    createdAt: Number(row.created_at),
    expiresAt: msOrNull(row.expires_at),
    revokedAt: msOrNull(row.revoked_at),
    lastUsedAt: msOrNull(row.last_used_at),
  };
}

export function deviceOf(row: Row): Device {
  return {
    sn: String(row.sn),
    gatewaySn: String(row.gateway_sn),
    role: row.role === 'gateway' ? 'gateway' : 'sub_device',
    modelKey: textOrNull(row.model_key),
    firmwareVersion: textOrNull(row.firmware_version),
    organizationId: textOrNull(row.organization_id),
    callsign: textOrNull(row.callsign),
    boundAt: msOrNull(row.bound_at),
    boundCodeId: textOrNull(row.bound_code_id),
    boundTid: textOrNull(row.bound_tid),
    online: row.online === true,
    presenceChangedAt: msOrNull(row.presence_changed_at),
    lastSeenAt: msOrNull(row.last_seen_at),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Organization ids are UUIDs; anything else (typed in Pilot 2) matches no row. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
