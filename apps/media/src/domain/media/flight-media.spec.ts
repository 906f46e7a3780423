import { flightMediaStatus, mergeExpected } from './flight-media';

describe('flight media status', () => {
  const after = 1_000;

  it('is complete once every expected file arrived', () => {
    expect(
      flightMediaStatus({ expected: 3, received: 3, endedAt: null, lastReceivedAt: 5 }, 10, after),
    ).toBe('complete');
    expect(
      flightMediaStatus({ expected: 0, received: 0, endedAt: 1, lastReceivedAt: null }, 10, after),
    ).toBe('complete');
  });

  it('stays pending while flying, uploading, or without a count', () => {
    expect(
      flightMediaStatus(
        { expected: 3, received: 1, endedAt: null, lastReceivedAt: 5 },
        99_999,
        after,
      ),
    ).toBe('pending');
    expect(
      flightMediaStatus(
        { expected: 3, received: 1, endedAt: 100, lastReceivedAt: 900 },
        1_500,
        after,
      ),
    ).toBe('pending');
    expect(
      flightMediaStatus(
        { expected: null, received: 2, endedAt: 100, lastReceivedAt: 200 },
        900,
        after,
      ),
    ).toBe('pending');
  });

  it('turns incomplete once quiet for the timeout after the flight ended', () => {
    expect(
      flightMediaStatus(
        { expected: 3, received: 1, endedAt: 100, lastReceivedAt: 900 },
        1_900,
        after,
      ),
    ).toBe('incomplete');
    expect(
      flightMediaStatus(
        { expected: null, received: 0, endedAt: 100, lastReceivedAt: null },
        1_100,
        after,
      ),
    ).toBe('incomplete');
  });

  it('keeps the largest announced count', () => {
    expect(mergeExpected(null, 4)).toBe(4);
    expect(mergeExpected(4, 2)).toBe(4);
    expect(mergeExpected(4, 6)).toBe(6);
    expect(mergeExpected(4, undefined)).toBe(4);
    expect(mergeExpected(4, -1)).toBe(4);
  });
});
