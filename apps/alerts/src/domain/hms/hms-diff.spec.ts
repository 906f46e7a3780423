import type { HmsEntry } from '@dock/protocol';
import { alertKey, StoredAlert } from './hms-alert';
import { diffHmsList } from './hms-diff';

const entry = (code: string, sensor = 0, level = 2): HmsEntry => ({
  level,
  module: 3,
  in_the_sky: 0,
  code,
  device_type: '0-67-0',
  imminent: 0,
  args: { component_index: 0, sensor_index: sensor },
});

const stored = (e: HmsEntry, id: string): StoredAlert => ({
  id,
  key: alertKey(e),
  gatewaySn: 'DOCK',
  flightId: null,
  deviceType: e.device_type,
  code: e.code,
  level: e.level,
  module: e.module,
  inTheSky: false,
  imminent: false,
  componentIndex: 0,
  sensorIndex: 0,
  args: e.args,
  message: null,
  firstSeenAt: 1,
  lastSeenAt: 1,
  clearedAt: null,
  count: 1,
});

describe('diffHmsList', () => {
  it('raises new entries, repeats listed ones and clears missing ones', () => {
    const a = stored(entry('0x1'), 'a');
    const b = stored(entry('0x2'), 'b');
    const diff = diffHmsList([a, b], [entry('0x1', 0, 1), entry('0x3')]);
    expect(diff.raised.map((r) => r.entry.code)).toEqual(['0x3']);
    expect(diff.repeated.map((r) => [r.alert.id, r.entry.level])).toEqual([['a', 1]]);
    expect(diff.cleared.map((c) => c.id)).toEqual(['b']);
  });

  it('an empty list (the real dock, every 2 s) clears everything', () => {
    const diff = diffHmsList([stored(entry('0x1'), 'a')], []);
    expect(diff.cleared).toHaveLength(1);
    expect(diff.raised).toHaveLength(0);
  });

  it('tells sensors apart, ignores code case and counts a duplicate entry once', () => {
    const diff = diffHmsList([], [entry('0xAB', 0), entry('0xab', 0), entry('0xab', 1)]);
    expect(diff.raised.map((r) => r.key)).toEqual(['0-67-0|0xab|0|0', '0-67-0|0xab|0|1']);
  });
});
