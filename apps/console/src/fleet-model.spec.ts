import type { DockView, HmsAlertView, ProgressView, RegistryDevice } from './api-types';
import {
  alertText,
  applyDeviceEvent,
  applyHmsEvent,
  applyTopologyEvent,
  blankDock,
  hasAlerts,
  joinFleet,
} from './fleet-model';

const progress = { flightId: 'F1', statusLabel: 'in progress', final: false } as ProgressView;

const dockView = (sn: string, extra: Partial<DockView> = {}): DockView => ({
  gatewaySn: sn,
  dockOnline: true,
  aircraftOnline: true,
  aircraftSn: `${sn}-AC`,
  lastRthFlightId: null,
  position: { latitude: 29.92, longitude: 121.66, height: 41, reportedAt: '2026-01-01T00:00:00Z' },
  updatedAt: '2026-01-01T00:00:00Z',
  progress: null,
  ...extra,
});

const device = (sn: string, extra: Partial<RegistryDevice> = {}): RegistryDevice => ({
  sn,
  gatewaySn: sn,
  role: 'gateway',
  model: 'DJI Dock 3',
  modelKey: '3-3-0',
  firmwareVersion: '10.01.1612',
  callsign: null,
  online: false,
  lastSeenAt: null,
  ...extra,
});

const alert = (id: string, gatewaySn: string, active = true): HmsAlertView => ({
  id,
  gatewaySn,
  flightId: null,
  deviceType: '0-67-0',
  code: '0x16100083',
  level: 2,
  message: null,
  active,
  firstSeenAt: '2026-01-01T00:00:00Z',
  clearedAt: active ? null : '2026-01-01T00:01:00Z',
});

describe('the fleet model', () => {
  it('joins registry devices, telemetry docks and active alerts by dock SN', () => {
    const fleet = joinFleet({
      docks: [dockView('D1', { progress }), dockView('D3', { position: null, dockOnline: null })],
      devices: [
        device('D1', { online: true, callsign: 'north' }),
        device('D1-AC', { gatewaySn: 'D1', role: 'sub_device', model: 'Matrice 4TD' }),
        device('D2', { model: null, modelKey: '3-9-9' }),
        // An aircraft whose dock the registry does not list: no row of its own.
        device('X-AC', { gatewaySn: 'X', role: 'sub_device' }),
      ],
      alerts: [alert('a1', 'D1'), alert('a2', 'D1', false), alert('a3', 'D2')],
    });
    expect(fleet.map((d) => d.sn)).toEqual(['D1', 'D2', 'D3']);
    expect(fleet[0]).toEqual({
      sn: 'D1',
      model: 'DJI Dock 3',
      firmwareVersion: '10.01.1612',
      callsign: 'north',
      online: true,
      aircraftSn: 'D1-AC',
      aircraftModel: 'Matrice 4TD',
      progress,
      alerts: [{ id: 'a1', level: 2, code: '0x16100083', message: null }],
      position: [121.66, 29.92],
    });
    // Registry presence wins; an unknown model shows its key; a dock only telemetry knows.
    expect(fleet[1]).toMatchObject({ model: '3-9-9', online: false, position: null });
    expect(fleet[1].alerts).toHaveLength(1);
    expect(fleet[2]).toMatchObject({ model: null, online: null, position: null, alerts: [] });
  });

  it('leaves what a failed service would have said unknown', () => {
    const [only] = joinFleet({ docks: [dockView('D1')], devices: null, alerts: null });
    expect(only).toMatchObject({ model: null, firmwareVersion: null, online: true, alerts: null });
  });

  it('follows live presence, topology and alerts raised and cleared', () => {
    let dock = blankDock('D1', true);
    dock = applyDeviceEvent(dock, {
      kind: 'presence',
      gatewaySn: 'D1',
      deviceSn: 'D1',
      role: 'gateway',
      model: 'DJI Dock 3',
      callsign: null,
      online: true,
    });
    expect(dock).toMatchObject({ online: true, model: 'DJI Dock 3' });
    dock = applyTopologyEvent(dock, {
      gatewaySn: 'D1',
      dockOnline: true,
      aircraftOnline: true,
      aircraftSn: 'AC',
    });
    expect(dock.aircraftSn).toBe('AC');
    const raised = {
      type: 'raised' as const,
      alertId: 'a1',
      gatewaySn: 'D1',
      flightId: 'F1',
      deviceType: '0-67-0',
      code: '0x16100083',
      level: 2,
      message: 'Propeller damaged',
      firstSeenAt: 1,
      clearedAt: null,
    };
    dock = applyHmsEvent(applyHmsEvent(dock, raised), raised);
    expect(dock.alerts).toHaveLength(1);
    expect(hasAlerts(dock)).toBe(true);
    expect(alertText(dock.alerts![0])).toBe('warning: Propeller damaged');
    expect(alertText({ id: 'x', level: 7, code: '0x1', message: null })).toBe('level 7: HMS 0x1');
    dock = applyHmsEvent(dock, { ...raised, type: 'cleared', clearedAt: 2 });
    expect(dock.alerts).toEqual([]);
    expect(hasAlerts(dock)).toBe(false);
  });
});
