import { isNewer, newestByKey } from './latest-state';

const at = (eventAt: number, receivedAt = eventAt, dedupeKey = 't') => ({
  eventAt,
  receivedAt,
  dedupeKey,
});

describe('isNewer', () => {
  it('orders by the dock timestamp first, whatever the arrival order', () => {
    expect(isNewer(at(2000, 1), at(1000, 5000))).toBe(true);
    expect(isNewer(at(1000, 9000), at(2000, 1))).toBe(false);
  });

  it('breaks ties with the receive time, then the dedupe key, so replays agree', () => {
    expect(isNewer(at(1000, 2), at(1000, 1))).toBe(true);
    expect(isNewer(at(1000, 1, 'b'), at(1000, 1, 'a'))).toBe(true);
    expect(isNewer(at(1000, 1, 'a'), at(1000, 1, 'a'))).toBe(false); // a duplicate changes nothing
  });

  it('accepts anything when there is no current state', () => {
    expect(isNewer(at(0), null)).toBe(true);
    expect(isNewer(at(0), undefined)).toBe(true);
  });
});

describe('newestByKey', () => {
  it('keeps the newest row per key and skips rows without a key', () => {
    const rows = [
      { ...at(3), key: 'A', n: 1 },
      { ...at(5), key: 'A', n: 2 },
      { ...at(4), key: 'A', n: 3 }, // late: older than n=2
      { ...at(1), key: 'B', n: 4 },
      { ...at(9), key: null, n: 5 },
    ];
    const newest = newestByKey(rows, (r) => r.key);
    expect(newest.map((r) => r.n).sort()).toEqual([2, 4]);
  });
});
