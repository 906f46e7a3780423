import type { DeviceEventRecord } from '@dock/contracts';
import { dockBindingOf, presenceOf } from './device-events';

const record = (over: Partial<DeviceEventRecord>): DeviceEventRecord => ({
  schemaVersion: 1,
  kind: 'binding',
  gatewaySn: 'DOCK-1',
  deviceSn: 'DOCK-1',
  role: 'gateway',
  organizationId: 'org-a',
  modelKey: null,
  model: null,
  callsign: null,
  cause: 'airport_organization_bind',
  at: 1_000,
  ...over,
});

describe('dockBindingOf', () => {
  it('a dock bound to an organization belongs to it from then on', () => {
    expect(dockBindingOf(record({ bound: true }))).toEqual({
      gatewaySn: 'DOCK-1',
      organizationId: 'org-a',
      at: 1_000,
    });
  });

  it('a dock unbound belongs to none (the record names the organization it left)', () => {
    expect(dockBindingOf(record({ bound: false, cause: 'unbound by operator' }))).toEqual({
      gatewaySn: 'DOCK-1',
      organizationId: null,
      at: 1_000,
    });
  });

  it("an aircraft's binding, presence and topology say nothing about the dock's organization", () => {
    expect(
      dockBindingOf(record({ bound: true, deviceSn: 'AIRCRAFT', role: 'sub_device' })),
    ).toBeNull();
    expect(dockBindingOf(record({ kind: 'presence', online: true }))).toBeNull();
    expect(dockBindingOf(record({ kind: 'topology', subDeviceSns: [] }))).toBeNull();
    expect(dockBindingOf(record({}))).toBeNull();
  });
});

describe('presenceOf', () => {
  it('reads a presence change with a stable id (a duplicate outbox write is one event)', () => {
    const online = record({ kind: 'presence', deviceSn: 'AIRCRAFT', online: true, at: 5 });
    const change = presenceOf(online)!;
    expect(change).toMatchObject({
      gatewaySn: 'DOCK-1',
      sn: 'AIRCRAFT',
      online: true,
      at: 5,
      organizationId: 'org-a',
    });
    expect(presenceOf({ ...online })!.id).toBe(change.id);
    expect(presenceOf({ ...online, online: false })!.id).not.toBe(change.id);
    expect(presenceOf({ ...online, at: 6 })!.id).not.toBe(change.id);
  });

  it('is null for other kinds and for a presence record without its state', () => {
    expect(presenceOf(record({ bound: true }))).toBeNull();
    expect(presenceOf(record({ kind: 'presence' }))).toBeNull();
    expect(presenceOf(record({ kind: 'topology', subDeviceSns: ['A'] }))).toBeNull();
  });
});
