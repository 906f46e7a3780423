import type { HmsEntry } from '@dock/protocol';
import { HmsMessages, lookupKeys, parseHmsMessageTable } from './hms-messages';

const aircraft = (inTheSky: number, args: HmsEntry['args'] = {}): HmsEntry => ({
  level: 2,
  module: 3,
  in_the_sky: inTheSky,
  code: '0x16100083',
  device_type: '0-67-0',
  imminent: 0,
  args,
});

describe('HmsMessages', () => {
  const table = parseHmsMessageTable({
    fpv_tip_0x16100083: { en: 'Battery %battery_index, sensor %index, part %component_index' },
    fpv_tip_0x16100083_in_the_sky: { en: 'In flight: return home', zh: '返航' },
    dock_tip_0x12040000: { en: 'Charging rod %charging_rod_index, cover %dock_cover_index' },
  });

  it('builds dock and aircraft keys, in the sky first then the ground key', () => {
    expect(lookupKeys(aircraft(1))).toEqual([
      'fpv_tip_0x16100083_in_the_sky',
      'fpv_tip_0x16100083',
    ]);
    expect(lookupKeys({ ...aircraft(0), device_type: '3-1-0', code: '0xAB' })).toEqual([
      'dock_tip_0xab',
    ]);
  });

  it('substitutes the arguments as the spec says', () => {
    const messages = new HmsMessages(table);
    expect(messages.describe(aircraft(0, { sensor_index: 1, component_index: 0 }))).toBe(
      'Battery right, sensor 2, part 1',
    );
    expect(messages.describe(aircraft(1))).toBe('In flight: return home');
    expect(new HmsMessages(table, 'zh').describe(aircraft(1))).toBe('返航');
    expect(
      messages.describe({
        ...aircraft(0, { sensor_index: 3 }),
        device_type: '3-1-0',
        code: '0x12040000',
      }),
    ).toBe('Charging rod right, cover right');
  });

  it('gives null without a table or for an unknown code', () => {
    expect(new HmsMessages(null).describe(aircraft(0))).toBeNull();
    expect(new HmsMessages(table).describe({ ...aircraft(0), code: '0x1' })).toBeNull();
  });

  it('refuses a table that is not keyed objects', () => {
    expect(() => parseHmsMessageTable([])).toThrow(/JSON object/);
    expect(() => parseHmsMessageTable({ a: 'x' })).toThrow(/"a"/);
  });
});
