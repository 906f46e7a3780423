import {
  MAX_INSTANT_MS,
  MAX_OFFSET,
  parseInstant,
  parseLimit,
  parseOffset,
} from './request-params';

describe('parseInstant', () => {
  it('reads ISO 8601 and epoch milliseconds', () => {
    expect(parseInstant('from', '2026-05-21T08:28:03Z')).toEqual({
      ok: true,
      value: Date.UTC(2026, 4, 21, 8, 28, 3),
    });
    expect(parseInstant('from', '2026-05-21T10:28:03+02:00')).toEqual({
      ok: true,
      value: Date.UTC(2026, 4, 21, 8, 28, 3),
    });
    expect(parseInstant('from', '1779352083676')).toEqual({ ok: true, value: 1779352083676 });
    expect(parseInstant('from', undefined)).toEqual({ ok: true, value: null });
  });

  it('refuses what Date.parse would guess at, and instants past year 9999', () => {
    expect(parseInstant('to', 'May 5')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^to:/),
    });
    expect(parseInstant('to', '2026-13-45T99:00:00Z').ok).toBe(false);
    expect(parseInstant('from', '9999999999999999')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^from:/),
    });
    expect(parseInstant('from', String(MAX_INSTANT_MS)).ok).toBe(true);
    expect(parseInstant('from', '1e30').ok).toBe(false);
  });
});

describe('parseLimit and parseOffset', () => {
  it('default, bound and refuse anything but plain digits', () => {
    expect(parseLimit(undefined, 100, 1000)).toEqual({ ok: true, value: 100 });
    expect(parseLimit('5', 100, 1000)).toEqual({ ok: true, value: 5 });
    expect(parseLimit('0', 100, 1000).ok).toBe(false);
    expect(parseLimit('1001', 100, 1000).ok).toBe(false);
    expect(parseLimit('1e3', 100, 1000).ok).toBe(false);
    expect(parseOffset(undefined)).toEqual({ ok: true, value: 0 });
    expect(parseOffset('-5')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^offset:/),
    });
    expect(parseOffset('1e30').ok).toBe(false);
    expect(parseOffset(String(MAX_OFFSET + 1)).ok).toBe(false);
  });
});
