import { arrayOf, Check, isRecord, nonEmptyString, objectWith } from '../validation/checks';
import { childPath, Decoded, invalid, valid } from '../validation/decoded';
import { readNonEmptyString } from '../validation/lenient';
import { DataValidator } from './data-validator';
import { resultCode } from './reply-validators';

/**
 * Joining an organization (dock-organization-binding.md): after `config`, the dock asks
 * `airport_bind_status`; if it is not bound it looks the organization up by binding code
 * (`airport_organization_get`) and binds (`airport_organization_bind`). The registry service
 * answers all three through dock.request-replies; the gateway checks its answers with the
 * strict reply validators below before they reach the dock.
 */

/** The three binding requests, in the order a dock sends them. */
export const BINDING_REQUEST_METHODS = [
  'airport_bind_status',
  'airport_organization_get',
  'airport_organization_bind',
] as const;
export type BindingRequestMethod = (typeof BINDING_REQUEST_METHODS)[number];

// ---- requests (up, lenient: unlisted keys kept, optional fields may be missing) ------------

export interface BindStatusRequestDevice {
  readonly sn: string;
  readonly [key: string]: unknown;
}

/** airport_bind_status: normally the aircraft and the dock. */
export interface AirportBindStatusData {
  readonly devices: readonly BindStatusRequestDevice[];
  readonly [key: string]: unknown;
}

/** airport_organization_get: what the operator typed in Pilot 2 (either may be wrong). */
export interface AirportOrganizationGetData {
  readonly device_binding_code: string;
  readonly organization_id: string;
  readonly [key: string]: unknown;
}

export interface BindDevice {
  readonly sn: string;
  readonly device_binding_code: string;
  readonly organization_id: string;
  /** The name given in Pilot 2; absent on some firmware (treat as unnamed). */
  readonly device_callsign?: string;
  /** `{domain}-{type}-{sub_type}`, e.g. `3-1-0`. */
  readonly device_model_key?: string;
  readonly [key: string]: unknown;
}

/** airport_organization_bind: the dock and its aircraft. */
export interface AirportOrganizationBindData {
  readonly bind_devices: readonly BindDevice[];
  readonly [key: string]: unknown;
}

// ---- replies (down, strict) ---------------------------------------------------------------

export interface DeviceBindStatus {
  readonly sn: string;
  readonly is_device_bind_organization: boolean;
  /** `""` when not bound (as the spec's example). */
  readonly organization_id: string;
  readonly organization_name: string;
  readonly device_callsign: string;
}

export interface AirportBindStatusReplyData {
  readonly result: number;
  /** Required when result is 0: one entry per requested SN (1..2). */
  readonly output?: { readonly bind_status: readonly DeviceBindStatus[] };
}

export interface AirportOrganizationGetReplyData {
  readonly result: number;
  readonly output?: { readonly organization_name: string };
}

export interface DeviceBindError {
  readonly sn: string;
  /** 0 = bound; anything else = this device was not bound. */
  readonly err_code: number;
}

export interface AirportOrganizationBindReplyData {
  readonly result: number;
  readonly output?: { readonly err_infos: readonly DeviceBindError[] };
}

/** requests data of each binding method (what the registry reads from dock.uplink.requests). */
export interface BindingRequestDataMap {
  airport_bind_status: AirportBindStatusData;
  airport_organization_get: AirportOrganizationGetData;
  airport_organization_bind: AirportOrganizationBindData;
}

/** requests_reply data of each binding method (what the registry writes). */
export interface BindingReplyDataMap {
  airport_bind_status: AirportBindStatusReplyData;
  airport_organization_get: AirportOrganizationGetReplyData;
  airport_organization_bind: AirportOrganizationBindReplyData;
}

export function isBindingRequestMethod(method: string | null): method is BindingRequestMethod {
  return method !== null && (BINDING_REQUEST_METHODS as readonly string[]).includes(method);
}

// ---- uplink validators ----------------------------------------------------------------------

function readString(value: unknown, path: string): Decoded<string> {
  return typeof value === 'string' ? valid(value) : invalid(path, 'string', value);
}

/** An array of at least one object, each checked by `item` (paths `data.devices[0].sn`). */
function readObjects(
  value: unknown,
  path: string,
  item: (record: Record<string, unknown>, path: string) => Decoded<unknown>,
): Decoded<unknown> {
  if (!Array.isArray(value) || value.length === 0) {
    return invalid(path, 'non-empty array', value);
  }
  for (let i = 0; i < value.length; i++) {
    const itemPath = childPath(path, i);
    const entry: unknown = value[i];
    if (!isRecord(entry)) return invalid(itemPath, 'object', entry);
    const checked = item(entry, itemPath);
    if (!checked.ok) return checked;
  }
  return valid(value);
}

export const validateAirportBindStatusData: DataValidator<AirportBindStatusData> = (data) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const devices = readObjects(data.devices, 'data.devices', (device, path) =>
    readNonEmptyString(device.sn, `${path}.sn`),
  );
  if (!devices.ok) return devices;
  return valid(data as AirportBindStatusData);
};

/** Both fields must be strings; empty ones pass, so the registry can answer "wrong code". */
export const validateAirportOrganizationGetData: DataValidator<AirportOrganizationGetData> = (
  data,
) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const code = readString(data.device_binding_code, 'data.device_binding_code');
  if (!code.ok) return code;
  const organization = readString(data.organization_id, 'data.organization_id');
  if (!organization.ok) return organization;
  return valid(data as AirportOrganizationGetData);
};

export const validateAirportOrganizationBindData: DataValidator<AirportOrganizationBindData> = (
  data,
) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const devices = readObjects(data.bind_devices, 'data.bind_devices', (device, path) => {
    const sn = readNonEmptyString(device.sn, `${path}.sn`);
    if (!sn.ok) return sn;
    for (const key of ['device_binding_code', 'organization_id'] as const) {
      const value = readString(device[key], `${path}.${key}`);
      if (!value.ok) return value;
    }
    for (const key of ['device_callsign', 'device_model_key'] as const) {
      if (device[key] !== undefined) {
        const value = readString(device[key], `${path}.${key}`);
        if (!value.ok) return value;
      }
    }
    return valid(device);
  });
  if (!devices.ok) return devices;
  return valid(data as AirportOrganizationBindData);
};

// ---- downlink validators (what the registry answers) ----------------------------------------

const shortText: Check = (value, path) =>
  typeof value === 'string' && value.length <= 256 ? null : invalid(path, 'string', value);

const bool: Check = (value, path) =>
  typeof value === 'boolean' ? null : invalid(path, 'boolean', value);

const SN = nonEmptyString(64);

/**
 * `{result, output}` where output is required when result is 0 (the dock reads it) and, when
 * sent with a refusal, must still have its shape.
 */
function resultWithOutput<T>(output: Check): DataValidator<T> {
  return (data) => {
    if (!isRecord(data)) return invalid('data', 'object', data);
    const result = resultCode(data.result, 'data.result');
    if (result) return result;
    if (data.result === 0 || data.output !== undefined) {
      const failure = output(data.output, 'data.output');
      if (failure) return failure;
    }
    return valid(data as unknown as T);
  };
}

export const validateAirportBindStatusReplyData = resultWithOutput<AirportBindStatusReplyData>(
  objectWith<{ bind_status: unknown }>({
    bind_status: arrayOf(
      objectWith<DeviceBindStatus>({
        sn: SN,
        is_device_bind_organization: bool,
        organization_id: shortText,
        organization_name: shortText,
        device_callsign: shortText,
      }),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);

export const validateAirportOrganizationGetReplyData =
  resultWithOutput<AirportOrganizationGetReplyData>(
    objectWith<{ organization_name: unknown }>({ organization_name: shortText }),
  );

export const validateAirportOrganizationBindReplyData =
  resultWithOutput<AirportOrganizationBindReplyData>(
    objectWith<{ err_infos: unknown }>({
      err_infos: arrayOf(objectWith<DeviceBindError>({ sn: SN, err_code: resultCode }), {
        minLength: 1,
        maxLength: 2,
      }),
    }),
  );
