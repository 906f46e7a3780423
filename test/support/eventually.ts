export interface EventuallyOptions {
  /** Give up after this long (default 10 s). Keep it below the jest test timeout. */
  timeoutMs?: number;
  /** Pause between attempts (default 50 ms). */
  intervalMs?: number;
}

/**
 * Retries `assertion` until it stops throwing (or rejecting) and returns its result.
 * Use it instead of sleeps when waiting for something asynchronous to become true:
 *
 *   await eventually(() => expect(received).toHaveLength(3), { timeoutMs: 5000 });
 *
 * On timeout it rethrows the last failure (so jest shows the real assertion diff), prefixed with
 * how long and how often it was tried.
 */
export async function eventually<T>(
  assertion: () => T | Promise<T>,
  { timeoutMs = 10_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      return await assertion();
    } catch (error) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw withContext(
          error,
          `eventually: still failing after ${Date.now() - started} ms (${attempts} attempts)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
    }
  }
}

function withContext(error: unknown, context: string): Error {
  if (error instanceof Error) {
    error.message = `${context}: ${error.message}`;
    return error;
  }
  return new Error(`${context}: ${String(error)}`);
}
