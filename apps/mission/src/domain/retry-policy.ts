import type { RetrySettings } from './task-timing';

/** Exponential backoff: initial, 2x, 4x... capped at maxMs. `attempt` counts sends so far (>= 1). */
export function backoffMs(attempt: number, settings: RetrySettings): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(exponent, 30));
}

export type RetryDecision =
  { retry: true; at: number } | { retry: false; reason: 'attempts_exhausted' | 'window_passed' };

/**
 * Whether a step refused with a retryable code (or unanswered) is tried again, and when: only
 * while attempts remain and the retry still falls inside the task's window.
 */
export function decideRetry(
  attemptsSoFar: number,
  now: number,
  deadline: number,
  settings: RetrySettings,
): RetryDecision {
  if (attemptsSoFar >= settings.maxAttempts) return { retry: false, reason: 'attempts_exhausted' };
  const at = now + backoffMs(attemptsSoFar, settings);
  if (at > deadline) return { retry: false, reason: 'window_passed' };
  return { retry: true, at };
}
