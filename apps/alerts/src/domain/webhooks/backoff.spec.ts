import { nextRetry } from './backoff';

describe('nextRetry', () => {
  const settings = { initialMs: 1_000, maxMs: 8_000, maxTotalMs: 60_000 };

  it('doubles from the initial delay, half fixed and half jitter, capped', () => {
    expect(nextRetry(settings, 1, 0, 0, () => 0)).toEqual({ retry: true, nextAttemptAt: 500 });
    expect(nextRetry(settings, 1, 0, 0, () => 1)).toEqual({ retry: true, nextAttemptAt: 1_000 });
    expect(nextRetry(settings, 3, 0, 0, () => 1)).toEqual({ retry: true, nextAttemptAt: 4_000 });
    expect(nextRetry(settings, 10, 0, 0, () => 1)).toEqual({ retry: true, nextAttemptAt: 8_000 });
    expect(nextRetry(settings, 60, 0, 0, () => 0.5)).toEqual({ retry: true, nextAttemptAt: 6_000 });
  });

  it('stops once the next attempt would fall past the total time', () => {
    expect(nextRetry(settings, 5, 0, 57_000, () => 0)).toEqual({ retry: false });
    expect(nextRetry(settings, 5, 0, 50_000, () => 0)).toEqual({
      retry: true,
      nextAttemptAt: 54_000,
    });
  });
});
