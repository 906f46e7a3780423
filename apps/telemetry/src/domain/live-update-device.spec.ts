import type { DeviceEventRecord } from '@dock/contracts';
import { LiveBroadcaster, LiveFrame } from '../adapters/live/live-broadcaster';
import { liveUpdateForDevice } from './live-update';

const record = (over: Partial<DeviceEventRecord>): DeviceEventRecord => ({
  schemaVersion: 1,
  kind: 'presence',
  gatewaySn: 'DOCK-A',
  deviceSn: 'DOCK-A',
  role: 'gateway',
  organizationId: null,
  modelKey: '3-3-0',
  model: 'DJI Dock 3',
  callsign: null,
  online: true,
  cause: 'update_topo',
  at: 1_000,
  ...over,
});

describe('device events on the live stream', () => {
  it('carries presence and topology under their dock, not binding changes', () => {
    expect(liveUpdateForDevice(record({}))).toEqual({
      event: 'device',
      gatewaySn: 'DOCK-A',
      data: record({}),
    });
    const topology = record({ kind: 'topology', online: undefined, subDeviceSns: ['DRONE'] });
    expect(liveUpdateForDevice(topology)?.data).toEqual(topology);
    expect(liveUpdateForDevice(record({ kind: 'binding', bound: true }))).toBeUndefined();
  });

  it('reaches only the streams that follow that dock (and ask for device events)', () => {
    const broadcaster = new LiveBroadcaster(() => undefined);
    const dockA: LiveFrame[] = [];
    const dockB: LiveFrame[] = [];
    const readyOnly: LiveFrame[] = [];
    broadcaster.stream({ dock: 'DOCK-A', events: null }).subscribe((m) => dockA.push(m));
    broadcaster.stream({ dock: 'DOCK-B', events: null }).subscribe((m) => dockB.push(m));
    broadcaster
      .stream({ dock: null, events: new Set(['ready']) })
      .subscribe((m) => readyOnly.push(m));
    // An aircraft's presence goes to its dock's stream.
    broadcaster.publish(
      liveUpdateForDevice(record({ deviceSn: 'DRONE', role: 'sub_device', online: false }))!,
    );
    expect(
      dockA.map((m) => [m.update.event, (m.update.data as DeviceEventRecord).deviceSn]),
    ).toEqual([['device', 'DRONE']]);
    expect(dockB).toEqual([]);
    expect(readyOnly).toEqual([]);
    broadcaster.close();
  });
});
