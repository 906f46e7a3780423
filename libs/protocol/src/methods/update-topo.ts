import { isRecord } from '../validation/checks';
import { childPath, invalid, valid } from '../validation/decoded';
import { readNonEmptyString } from '../validation/lenient';
import { DataValidator } from './data-validator';

/**
 * update_topo on sys/product/{gw}/status (up): the dock and its sub-devices (the aircraft).
 * Field types vary between firmware (domain as "0" or 0...), so only what the cloud acts on is
 * required: `sub_devices` is an array of objects with a string `sn`. An empty array means the
 * aircraft went offline. Everything else is kept as sent.
 */
export interface TopoSubDevice {
  readonly sn: string;
  readonly domain?: unknown;
  readonly type?: unknown;
  readonly sub_type?: unknown;
  readonly index?: unknown;
  readonly device_secret?: unknown;
  readonly nonce?: unknown;
  readonly thing_version?: unknown;
  readonly [key: string]: unknown;
}

export interface UpdateTopoData {
  readonly domain?: unknown;
  readonly type?: unknown;
  readonly sub_type?: unknown;
  readonly device_secret?: unknown;
  readonly nonce?: unknown;
  readonly thing_version?: unknown;
  readonly sub_devices: readonly TopoSubDevice[];
  readonly [key: string]: unknown;
}

export const validateUpdateTopoData: DataValidator<UpdateTopoData> = (data) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const devices = data.sub_devices;
  if (!Array.isArray(devices)) return invalid('data.sub_devices', 'array', devices);
  for (let i = 0; i < devices.length; i++) {
    const path = childPath('data.sub_devices', i);
    const device: unknown = devices[i];
    if (!isRecord(device)) return invalid(path, 'object', device);
    const sn = readNonEmptyString(device.sn, `${path}.sn`);
    if (!sn.ok) return sn;
  }
  return valid(data as UpdateTopoData);
};

/** True when the topology says the aircraft is gone (docks send `sub_devices: []`). */
export function isAircraftOffline(topo: UpdateTopoData): boolean {
  return topo.sub_devices.length === 0;
}
