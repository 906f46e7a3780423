import { Device, newDevice } from './device';
import { planHeard, planSilence, planTopology } from './presence';

const at = 50_000;
const known = (...devices: Device[]) => new Map(devices.map((d) => [d.sn, d]));
const online = (d: Device, seen = 1_000): Device => ({
  ...d,
  online: true,
  lastSeenAt: seen,
  presenceChangedAt: seen,
});

describe('presence and topology', () => {
  it('a first update_topo brings the dock and its aircraft online, with the topology', () => {
    const plan = planTopology(
      {
        gatewaySn: 'DOCK1',
        gatewayModelKey: '3-3-0',
        subDevices: [{ sn: 'DRONE1', modelKey: '0-100-0' }],
        at,
      },
      known(),
    );
    expect(plan.writes).toEqual([
      expect.objectContaining({
        sn: 'DOCK1',
        role: 'gateway',
        online: true,
        modelKey: '3-3-0',
        presenceChangedAt: at,
      }),
      expect.objectContaining({
        sn: 'DRONE1',
        role: 'sub_device',
        gatewaySn: 'DOCK1',
        online: true,
      }),
    ]);
    expect(plan.changes.map((c) => [c.kind, c.device.sn])).toEqual([
      ['presence', 'DOCK1'],
      ['presence', 'DRONE1'],
      ['topology', 'DOCK1'],
    ]);
    expect(plan.refused).toEqual([]);
  });

  it('sub_devices: [] takes the aircraft offline; the dock stays online', () => {
    const dock = online(newDevice('DOCK1', 'DOCK1', 'gateway'));
    const drone = online(newDevice('DRONE1', 'DOCK1', 'sub_device'));
    const plan = planTopology(
      { gatewaySn: 'DOCK1', gatewayModelKey: null, subDevices: [], at },
      known(dock, drone),
    );
    expect(plan.writes.find((d) => d.sn === 'DRONE1')).toMatchObject({
      online: false,
      presenceChangedAt: at,
    });
    expect(plan.writes.find((d) => d.sn === 'DOCK1')).toMatchObject({
      online: true,
      lastSeenAt: at,
    });
    expect(plan.changes).toEqual([
      expect.objectContaining({
        kind: 'presence',
        online: false,
        cause: 'dropped from update_topo',
      }),
      expect.objectContaining({ kind: 'topology', subDeviceSns: [] }),
    ]);
  });

  it('the same topology again changes nothing but last-seen', () => {
    const dock = online(newDevice('DOCK1', 'DOCK1', 'gateway'));
    const drone = online(newDevice('DRONE1', 'DOCK1', 'sub_device'));
    const plan = planTopology(
      {
        gatewaySn: 'DOCK1',
        gatewayModelKey: '3-3-0',
        subDevices: [{ sn: 'DRONE1', modelKey: null }],
        at,
      },
      known(dock, drone),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.writes.every((d) => d.lastSeenAt === at)).toBe(true);
  });

  it('refuses a sub-device bound to another organization and never re-homes it', () => {
    const dock = { ...online(newDevice('DOCK1', 'DOCK1', 'gateway')), organizationId: 'org-a' };
    const theirs = { ...newDevice('DRONE9', 'DOCK9', 'sub_device'), organizationId: 'org-b' };
    const plan = planTopology(
      {
        gatewaySn: 'DOCK1',
        gatewayModelKey: null,
        subDevices: [{ sn: 'DRONE9', modelKey: null }],
        at,
      },
      known(dock, theirs),
    );
    expect(plan.refused).toEqual([{ sn: 'DRONE9', organizationId: 'org-b' }]);
    expect(plan.writes.map((d) => d.sn)).toEqual(['DOCK1']);
  });

  it('a dock silent past the limit goes offline with its online aircraft; not before', () => {
    const dock = online(newDevice('DOCK1', 'DOCK1', 'gateway'), 1_000);
    const drone = online(newDevice('DRONE1', 'DOCK1', 'sub_device'), 1_000);
    expect(planSilence(dock, [drone], 60_999, 60_000)).toBeUndefined();
    const plan = planSilence(dock, [drone], 61_000, 60_000);
    expect(plan?.writes.map((d) => [d.sn, d.online])).toEqual([
      ['DOCK1', false],
      ['DRONE1', false],
    ]);
    expect(plan?.changes.every((c) => c.kind === 'presence' && !c.online)).toBe(true);
    expect(planSilence({ ...dock, online: false }, [], 1e9, 60_000)).toBeUndefined();
  });

  it('osd from an offline or unknown dock brings it online once', () => {
    const heard = planHeard(undefined, 'DOCK2', at);
    expect(heard.write).toMatchObject({
      sn: 'DOCK2',
      role: 'gateway',
      online: true,
      lastSeenAt: at,
    });
    expect(heard.change).toMatchObject({ kind: 'presence', online: true });
    expect(planHeard(heard.write, 'DOCK2', at + 1).change).toBeUndefined();
  });
});
