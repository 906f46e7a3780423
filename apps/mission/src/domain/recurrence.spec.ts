import { checkRecurrence, occurrences } from './recurrence';

const iso = (ms: number[]) => ms.map((m) => new Date(m).toISOString());

describe('recurrence', () => {
  it('keeps 09:00 Berlin wall time across the autumn change (CEST -> CET)', () => {
    const got = occurrences(
      { cron: '0 9 * * *', timeZone: 'Europe/Berlin' },
      Date.UTC(2026, 9, 23),
      Date.UTC(2026, 9, 27),
      10,
    );
    expect(iso(got)).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('keeps 09:00 Berlin wall time across the spring change (CET -> CEST)', () => {
    const got = occurrences(
      { cron: '0 9 * * *', timeZone: 'Europe/Berlin' },
      Date.UTC(2026, 2, 28),
      Date.UTC(2026, 2, 31),
      10,
    );
    expect(iso(got)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('runs a time inside the spring gap once, just after it, and a doubled autumn time once', () => {
    const spring = occurrences(
      { cron: '30 2 * * *', timeZone: 'Europe/Berlin' },
      Date.UTC(2026, 2, 28, 12),
      Date.UTC(2026, 2, 29, 12),
      10,
    );
    expect(iso(spring)).toEqual(['2026-03-29T01:00:00.000Z']);
    const autumn = occurrences(
      { cron: '30 2 * * *', timeZone: 'Europe/Berlin' },
      Date.UTC(2026, 9, 24, 12),
      Date.UTC(2026, 9, 25, 12),
      10,
    );
    expect(iso(autumn)).toEqual(['2026-10-25T00:30:00.000Z']);
  });

  it('is exclusive of the start, inclusive of the end, and bounded by the limit', () => {
    const start = Date.UTC(2026, 0, 1, 0, 0);
    const hourly = { cron: '0 * * * *', timeZone: 'UTC' };
    expect(occurrences(hourly, start, start + 3 * 3_600_000, 10)).toHaveLength(3);
    expect(occurrences(hourly, start, start + 30 * 3_600_000, 5)).toHaveLength(5);
  });

  it('refuses unknown zones and malformed expressions with the field at fault', () => {
    expect(checkRecurrence({ cron: '0 9 * * *', timeZone: 'Europe/Berlin' })).toEqual({ ok: true });
    expect(checkRecurrence({ cron: '0 9 * * *', timeZone: 'Mars/Olympus' })).toMatchObject({
      ok: false,
      field: 'timeZone',
    });
    expect(checkRecurrence({ cron: '0 9 * *', timeZone: 'UTC' })).toMatchObject({
      ok: false,
      field: 'cron',
    });
    expect(checkRecurrence({ cron: '0 25 * * *', timeZone: 'UTC' })).toMatchObject({
      ok: false,
      field: 'cron',
    });
  });
});
