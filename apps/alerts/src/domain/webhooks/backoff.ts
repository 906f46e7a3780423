export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  /** How long after its first attempt a delivery is still retried; then it is dead-lettered. */
  readonly maxTotalMs: number;
}

export type RetryDecision = { retry: true; nextAttemptAt: number } | { retry: false };

/**
 * After failed attempt number `attempts` (1-based): exponential backoff with "equal jitter"
 * (half fixed, half random, so retries of many deliveries spread out but never come at once),
 * capped at maxMs; no retry once the next attempt would fall past firstAttemptAt + maxTotalMs.
 */
export function nextRetry(
  settings: BackoffSettings,
  attempts: number,
  firstAttemptAt: number,
  now: number,
  random: () => number = Math.random,
): RetryDecision {
  const exponential = Math.min(
    settings.maxMs,
    settings.initialMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30),
  );
  const delay = Math.round(exponential / 2 + random() * (exponential / 2));
  const nextAttemptAt = now + delay;
  if (nextAttemptAt > firstAttemptAt + settings.maxTotalMs) return { retry: false };
  return { retry: true, nextAttemptAt };
}
