import { backoffMs, decideRetry } from './retry-policy';

const RETRY = { initialMs: 1_000, maxMs: 10_000, maxAttempts: 5 };

describe('retry policy', () => {
  it('doubles the wait with each attempt, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, RETRY))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('retries inside the window while attempts remain', () => {
    expect(decideRetry(1, 0, 5_000, RETRY)).toEqual({ retry: true, at: 1_000 });
    expect(decideRetry(3, 0, 3_000, RETRY)).toEqual({ retry: false, reason: 'window_passed' });
    expect(decideRetry(5, 0, 1e9, RETRY)).toEqual({ retry: false, reason: 'attempts_exhausted' });
  });
});
