import { FlagSink } from '../flags';
import { validateHmsData } from './hms';

describe('validateHmsData', () => {
  it('reads the spec example, numbers from numeric strings and booleans as 0/1', () => {
    const flags: FlagSink = [];
    const decoded = validateHmsData(
      {
        list: [
          {
            level: 2,
            module: 3,
            in_the_sky: 0,
            code: '0x16100083',
            device_type: '0-67-0',
            imminent: 1,
            args: { component_index: 0, sensor_index: 0 },
          },
          { level: '1', module: 3, in_the_sky: true, code: '0x12040000', device_type: '3-1-0' },
        ],
      },
      flags,
    );
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.value.list[0]).toMatchObject({
      level: 2,
      imminent: 1,
      args: { sensor_index: 0 },
    });
    expect(decoded.value.list[1]).toMatchObject({ level: 1, in_the_sky: 1, imminent: 0, args: {} });
    expect(flags).toContain('int_from_string');
  });

  it('takes the real dock 3 empty list, and a missing list as empty', () => {
    expect(validateHmsData({ list: [] }, [])).toEqual({ ok: true, value: { list: [] } });
    expect(validateHmsData({}, [])).toEqual({ ok: true, value: { list: [] } });
  });

  it('names the field it refuses', () => {
    const bad = validateHmsData({ list: [{ level: 2, module: 3, in_the_sky: 0, code: 7 }] }, []);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.path).toBe('data.list[0].code');
    const badArgs = validateHmsData(
      { list: [{ level: 2, module: 3, in_the_sky: 0, code: '0x1', args: { sensor_index: 'x' } }] },
      [],
    );
    if (!badArgs.ok) expect(badArgs.error.path).toBe('data.list[0].args.sensor_index');
    expect(badArgs.ok).toBe(false);
    expect(validateHmsData({ list: 'x' }, []).ok).toBe(false);
  });
});
