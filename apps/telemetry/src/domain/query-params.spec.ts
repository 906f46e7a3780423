import { decodeTimeCursor, encodeTimeCursor } from './query-params';

describe('time cursors', () => {
  it('round-trip and refuse forgeries', () => {
    const cursor = { at: 1779352083676, id: '42' };
    expect(decodeTimeCursor(encodeTimeCursor(cursor))).toEqual({ ok: true, value: cursor });
    expect(decodeTimeCursor(undefined)).toEqual({ ok: true, value: null });
    expect(decodeTimeCursor(Buffer.from("1:1' OR 1=1").toString('base64url')).ok).toBe(false);
  });
});
