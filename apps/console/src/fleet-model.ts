import type {
  DeviceLiveRecord,
  DockView,
  FleetAlert,
  FleetDock,
  HmsAlertView,
  HmsLiveRecord,
  RegistryDevice,
  TopologyLiveRecord,
} from './api-types';

/** What the fleet is made of, as read from the three services (null: that one failed). */
export interface FleetSources {
  readonly docks: readonly DockView[];
  readonly devices: readonly RegistryDevice[] | null;
  readonly alerts: readonly HmsAlertView[] | null;
}

/**
 * The fleet: every dock the registry lists for the organization or telemetry has heard of,
 * with the registry's model, firmware and presence, telemetry's task, progress and position,
 * and the active HMS alerts. Registry presence wins over telemetry's topology report (the
 * registry also sees a dock go silent).
 */
export function joinFleet(sources: FleetSources): FleetDock[] {
  const bySn = new Map<string, FleetDock>();
  const dock = (sn: string): FleetDock => bySn.get(sn) ?? blankDock(sn, sources.alerts !== null);
  for (const device of sources.devices ?? []) {
    if (device.role !== 'gateway') continue;
    bySn.set(device.sn, {
      ...dock(device.sn),
      model: device.model ?? device.modelKey,
      firmwareVersion: device.firmwareVersion,
      callsign: device.callsign,
      online: device.online,
    });
  }
  for (const device of sources.devices ?? []) {
    if (device.role !== 'sub_device' || !bySn.has(device.gatewaySn)) continue;
    const owner = dock(device.gatewaySn);
    bySn.set(owner.sn, {
      ...owner,
      aircraftSn: owner.aircraftSn ?? device.sn,
      aircraftModel: device.model ?? device.modelKey,
    });
  }
  for (const view of sources.docks) {
    const known = dock(view.gatewaySn);
    bySn.set(view.gatewaySn, {
      ...known,
      online: known.online ?? view.dockOnline,
      aircraftSn: view.aircraftSn ?? known.aircraftSn,
      progress: view.progress,
      position: view.position ? [view.position.longitude, view.position.latitude] : null,
    });
  }
  for (const alert of sources.alerts ?? []) {
    if (!alert.active) continue;
    const owner = dock(alert.gatewaySn);
    bySn.set(owner.sn, { ...owner, alerts: withAlert(owner.alerts, fleetAlert(alert)) });
  }
  return [...bySn.values()].sort((a, b) => a.sn.localeCompare(b.sn));
}

/** A registry presence change from the live stream (a sub-device's is the aircraft's). */
export function applyDeviceEvent(dock: FleetDock, event: DeviceLiveRecord): FleetDock {
  if (event.kind !== 'presence' || event.online === undefined) return dock;
  if (event.role === 'gateway') {
    return {
      ...dock,
      online: event.online,
      model: dock.model ?? event.model,
      callsign: event.callsign ?? dock.callsign,
    };
  }
  return { ...dock, aircraftSn: event.online ? event.deviceSn : dock.aircraftSn };
}

/** telemetry's update_topo: the dock is talking (online) and which aircraft it has. */
export function applyTopologyEvent(dock: FleetDock, event: TopologyLiveRecord): FleetDock {
  return { ...dock, online: event.dockOnline, aircraftSn: event.aircraftSn };
}

/** An HMS alert raised or cleared, from the live stream. */
export function applyHmsEvent(dock: FleetDock, event: HmsLiveRecord): FleetDock {
  const alerts = dock.alerts ?? [];
  if (event.type === 'cleared') {
    return { ...dock, alerts: alerts.filter((alert) => alert.id !== event.alertId) };
  }
  return {
    ...dock,
    alerts: withAlert(alerts, {
      id: event.alertId,
      level: event.level,
      code: event.code,
      message: event.message,
    }),
  };
}

export const ALERT_LEVELS = ['notification', 'reminder', 'warning'] as const;

export function alertLevel(level: number): string {
  return ALERT_LEVELS[level] ?? `level ${level}`;
}

/** One line for an alert: its level, its text (the code when the table has none). */
export function alertText(alert: FleetAlert): string {
  return `${alertLevel(alert.level)}: ${alert.message ?? `HMS ${alert.code}`}`;
}

/** The fleet filter: "with alerts" keeps the docks with at least one active alert. */
export function hasAlerts(dock: FleetDock): boolean {
  return (dock.alerts?.length ?? 0) > 0;
}

export function blankDock(sn: string, alertsKnown = false): FleetDock {
  return {
    sn,
    model: null,
    firmwareVersion: null,
    callsign: null,
    online: null,
    aircraftSn: null,
    aircraftModel: null,
    progress: null,
    alerts: alertsKnown ? [] : null,
    position: null,
  };
}

function fleetAlert(alert: HmsAlertView): FleetAlert {
  return { id: alert.id, level: alert.level, code: alert.code, message: alert.message };
}

function withAlert(alerts: readonly FleetAlert[] | null, alert: FleetAlert): FleetAlert[] {
  return [...(alerts ?? []).filter((known) => known.id !== alert.id), alert];
}
