import { decodeTimeCursor, encodeTimeCursor, parseInstant, parseLimit } from './query-params';

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

  it('refuses what Date.parse would guess at', () => {
    expect(parseInstant('to', 'May 5')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^to:/),
    });
    expect(parseInstant('to', '2026-13-45T99:00:00Z').ok).toBe(false);
  });
});

describe('parseLimit', () => {
  it('defaults, bounds and refuses non-numbers', () => {
    expect(parseLimit(undefined, 100, 1000)).toEqual({ ok: true, value: 100 });
    expect(parseLimit('5', 100, 1000)).toEqual({ ok: true, value: 5 });
    expect(parseLimit('0', 100, 1000).ok).toBe(false);
    expect(parseLimit('1001', 100, 1000).ok).toBe(false);
    expect(parseLimit('1e3', 100, 1000).ok).toBe(false);
  });
});

describe('time cursors', () => {
  it('round-trip and refuse forgeries', () => {
    const cursor = { at: 1779352083676, id: '42' };
    expect(decodeTimeCursor(encodeTimeCursor(cursor))).toEqual({ ok: true, value: cursor });
    expect(decodeTimeCursor(undefined)).toEqual({ ok: true, value: null });
    expect(decodeTimeCursor(Buffer.from("1:1' OR 1=1").toString('base64url')).ok).toBe(false);
  });
});
