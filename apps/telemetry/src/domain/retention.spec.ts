import { retentionCutoff } from './retention';

describe('retentionCutoff', () => {
  const now = Date.UTC(2026, 0, 31);

  it('subtracts the configured age in days', () => {
    expect(retentionCutoff(now, 30).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(retentionCutoff(now, 0.5).toISOString()).toBe('2026-01-30T12:00:00.000Z');
  });

  it('refuses an age that would delete what was just written', () => {
    expect(() => retentionCutoff(now, 0)).toThrow(RangeError);
    expect(() => retentionCutoff(now, Number.NaN)).toThrow(RangeError);
  });
});
