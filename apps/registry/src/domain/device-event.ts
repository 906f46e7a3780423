import { DeviceEventRecord, HEADERS } from '@dock/contracts';
import type { DeviceChange } from './device';
import { modelName } from './product-models';

/** The registry.device-events record of a change. */
export function deviceEventRecord(change: DeviceChange): DeviceEventRecord {
  const { device } = change;
  return {
    schemaVersion: 1,
    kind: change.kind,
    gatewaySn: device.gatewaySn,
    deviceSn: device.sn,
    role: device.role,
    organizationId: change.kind === 'binding' ? change.organizationId : device.organizationId,
    modelKey: device.modelKey,
    model: modelName(device.modelKey) ?? null,
    callsign: device.callsign,
    ...(change.kind === 'presence' ? { online: change.online } : {}),
    ...(change.kind === 'topology' ? { subDeviceSns: [...change.subDeviceSns] } : {}),
    ...(change.kind === 'binding' ? { bound: change.bound } : {}),
    cause: change.cause,
    at: change.at,
  };
}

/** Headers of the record beside the standard ones: the method names the kind of change. */
export function deviceEventHeaders(record: DeviceEventRecord): Record<string, string> {
  return { [HEADERS.method]: `device.${record.kind}` };
}
