import { Device, DeviceChange, newDevice } from './device';

export interface ReportedSubDevice {
  readonly sn: string;
  /** null when the entry carried no readable product key. */
  readonly modelKey: string | null;
}

export interface TopologyReport {
  readonly gatewaySn: string;
  readonly gatewayModelKey: string | null;
  readonly subDevices: readonly ReportedSubDevice[];
  /** When the gateway received it (ms). */
  readonly at: number;
}

export interface TopologyPlan {
  /** Rows to write (new or changed), gateway first. */
  readonly writes: Device[];
  readonly changes: DeviceChange[];
  /** Sub-devices bound to another organization than the gateway: never re-homed. */
  readonly refused: { sn: string; organizationId: string }[];
}

/**
 * update_topo: the gateway talks, so it is online; the listed sub-devices are online and
 * belong to it; its sub-devices not listed (`sub_devices: []` included) went offline.
 * `known` holds the current rows of the gateway, of every listed SN and of the gateway's
 * current sub-devices.
 */
export function planTopology(
  report: TopologyReport,
  known: ReadonlyMap<string, Device>,
): TopologyPlan {
  const { at } = report;
  const writes: Device[] = [];
  const changes: DeviceChange[] = [];
  const refused: { sn: string; organizationId: string }[] = [];

  const before = known.get(report.gatewaySn);
  let gateway: Device = before ?? newDevice(report.gatewaySn, report.gatewaySn, 'gateway');
  gateway = {
    ...gateway,
    role: 'gateway',
    gatewaySn: gateway.sn,
    modelKey: report.gatewayModelKey ?? gateway.modelKey,
    lastSeenAt: Math.max(gateway.lastSeenAt ?? 0, at),
  };
  if (!gateway.online) {
    gateway = { ...gateway, online: true, presenceChangedAt: at };
    changes.push({ kind: 'presence', device: gateway, online: true, cause: 'update_topo', at });
  }
  writes.push(gateway);

  const previousSubs = [...known.values()]
    .filter((d) => d.role === 'sub_device' && d.gatewaySn === report.gatewaySn && d.online)
    .map((d) => d.sn)
    .sort();
  const listed = new Set<string>();
  for (const reported of report.subDevices) {
    if (reported.sn === report.gatewaySn || listed.has(reported.sn)) continue;
    const existing = known.get(reported.sn);
    if (existing?.organizationId && existing.organizationId !== gateway.organizationId) {
      refused.push({ sn: reported.sn, organizationId: existing.organizationId });
      continue;
    }
    listed.add(reported.sn);
    let sub: Device = existing ?? newDevice(reported.sn, report.gatewaySn, 'sub_device');
    sub = {
      ...sub,
      gatewaySn: report.gatewaySn,
      role: 'sub_device',
      modelKey: reported.modelKey ?? sub.modelKey,
      lastSeenAt: Math.max(sub.lastSeenAt ?? 0, at),
    };
    if (!sub.online) {
      sub = { ...sub, online: true, presenceChangedAt: at };
      changes.push({ kind: 'presence', device: sub, online: true, cause: 'update_topo', at });
    }
    writes.push(sub);
  }
  for (const sn of previousSubs) {
    if (listed.has(sn)) continue;
    const gone = known.get(sn) as Device;
    const offline: Device = { ...gone, online: false, presenceChangedAt: at };
    writes.push(offline);
    changes.push({
      kind: 'presence',
      device: offline,
      online: false,
      cause: 'dropped from update_topo',
      at,
    });
  }
  const now = [...listed].sort();
  if (before === undefined || now.join(',') !== previousSubs.join(',')) {
    changes.push({
      kind: 'topology',
      device: gateway,
      subDeviceSns: now,
      cause: 'update_topo',
      at,
    });
  }
  return { writes, changes, refused };
}

/**
 * A gateway silent for longer than the limit goes offline, and its online sub-devices with it
 * (an aircraft cannot talk without its dock). Returns nothing when it is not due.
 */
export function planSilence(
  gateway: Device,
  subDevices: readonly Device[],
  now: number,
  offlineAfterMs: number,
): { writes: Device[]; changes: DeviceChange[] } | undefined {
  if (!gateway.online || gateway.role !== 'gateway') return undefined;
  if (gateway.lastSeenAt !== null && now - gateway.lastSeenAt < offlineAfterMs) return undefined;
  const cause = `silent for ${offlineAfterMs} ms`;
  const writes: Device[] = [];
  const changes: DeviceChange[] = [];
  for (const device of [gateway, ...subDevices.filter((sub) => sub.online)]) {
    const offline: Device = { ...device, online: false, presenceChangedAt: now };
    writes.push(offline);
    changes.push({ kind: 'presence', device: offline, online: false, cause, at: now });
  }
  return { writes, changes };
}

/**
 * osd / state from a gateway that the registry holds offline (or does not know yet): it talks,
 * so it is online again.
 */
export function planHeard(
  existing: Device | undefined,
  gatewaySn: string,
  at: number,
): { write: Device; change?: DeviceChange } {
  const device = existing ?? newDevice(gatewaySn, gatewaySn, 'gateway');
  const seen: Device = { ...device, lastSeenAt: Math.max(device.lastSeenAt ?? 0, at) };
  if (seen.online) return { write: seen };
  const online: Device = { ...seen, online: true, presenceChangedAt: at };
  return {
    write: online,
    change: { kind: 'presence', device: online, online: true, cause: 'heard on osd/state', at },
  };
}
