import { BindingCode, bindingCodeStatus } from './binding-code';
import { BINDING_RESULT, BindingResult } from './binding-results';
import { Device, DeviceChange, newDevice } from './device';
import type { Organization } from './organization';

/** What the organization id and binding code the operator typed lead to. */
export function checkCode(
  organization: Organization | undefined,
  code: BindingCode | undefined,
  now: number,
): BindingResult {
  if (!organization) return BINDING_RESULT.unknownOrganization;
  // A code of another organization is as wrong as no code: never say that it exists elsewhere.
  if (!code || code.organizationId !== organization.id) return BINDING_RESULT.wrongCode;
  const status = bindingCodeStatus(code, now);
  if (status === 'expired') return BINDING_RESULT.expiredCode;
  if (status === 'revoked') return BINDING_RESULT.revokedCode;
  return BINDING_RESULT.ok;
}

export interface BindRequestDevice {
  readonly sn: string;
  readonly organizationId: string;
  readonly callsign: string;
  /** The device_model_key as sent; null when it was not a product key. */
  readonly modelKey: string | null;
}

export interface BindDecision {
  readonly errCode: BindingResult;
  /** The row to write, when something changes; undefined for a refusal or a no-op. */
  readonly write?: Device;
  readonly change?: DeviceChange;
  /** The code was used (its last-used time moves). */
  readonly codeUsed: boolean;
}

/**
 * airport_organization_bind for one device. The same request delivered again (same tid) is
 * answered as before without a second write, even when the code expired in between.
 */
export function decideBind(input: {
  readonly request: BindRequestDevice;
  readonly gatewaySn: string;
  readonly tid: string;
  readonly organization: Organization | undefined;
  readonly code: BindingCode | undefined;
  readonly existing: Device | undefined;
  readonly now: number;
}): BindDecision {
  const { request, existing, now } = input;
  if (existing?.boundTid === input.tid && existing.organizationId === request.organizationId) {
    return { errCode: BINDING_RESULT.ok, codeUsed: false };
  }
  const checked = checkCode(input.organization, input.code, now);
  if (checked !== BINDING_RESULT.ok) return { errCode: checked, codeUsed: false };
  if (existing?.organizationId && existing.organizationId !== request.organizationId) {
    return { errCode: BINDING_RESULT.boundToOtherOrganization, codeUsed: false };
  }
  const role = request.sn === input.gatewaySn ? 'gateway' : 'sub_device';
  const base = existing ?? newDevice(request.sn, input.gatewaySn, role);
  const write: Device = {
    ...base,
    // A dock stays a gateway; an aircraft joins the dock that asked.
    gatewaySn: base.role === 'gateway' ? base.sn : input.gatewaySn,
    modelKey: request.modelKey ?? base.modelKey,
    organizationId: request.organizationId,
    callsign: request.callsign,
    boundAt: now,
    boundCodeId: input.code?.id ?? null,
    boundTid: input.tid,
  };
  const rebound = existing?.organizationId === request.organizationId;
  return {
    errCode: BINDING_RESULT.ok,
    write,
    change: {
      kind: 'binding',
      device: write,
      bound: true,
      organizationId: request.organizationId,
      cause: rebound ? 'airport_organization_bind (again)' : 'airport_organization_bind',
      at: now,
    },
    codeUsed: true,
  };
}

/** The unbinding of a device by an operator; undefined when it was not bound. */
export function decideUnbind(
  existing: Device,
  now: number,
): { write: Device; change: DeviceChange } | undefined {
  if (existing.organizationId === null) return undefined;
  const write: Device = {
    ...existing,
    organizationId: null,
    callsign: null,
    boundAt: null,
    boundCodeId: null,
    boundTid: null,
  };
  return {
    write,
    change: {
      kind: 'binding',
      device: write,
      bound: false,
      organizationId: existing.organizationId,
      cause: 'unbound by operator',
      at: now,
    },
  };
}
