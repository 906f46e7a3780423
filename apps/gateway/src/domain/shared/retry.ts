/** Thrown when a retried operation is abandoned because the service is stopping. */
export class StoppingError extends Error {
  constructor() {
    super('gateway is stopping');
    this.name = 'StoppingError';
  }
}

export interface RetryOptions {
  /** Checked before every attempt: once true, the retry gives up with StoppingError. */
  readonly stopping: () => boolean;
  readonly onRetry?: (error: unknown, attempt: number) => void;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Retries until it succeeds or the service stops. A dock message must not be acknowledged
 * before its Kafka write succeeded, and giving up would mean dropping it, so a dependency
 * outage turns into back-pressure (unacknowledged messages wait at the broker) rather than loss.
 */
export async function retryUntilStopped<T>(
  operation: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  let delay = options.initialDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    if (options.stopping()) throw new StoppingError();
    try {
      return await operation();
    } catch (error) {
      if (options.stopping()) throw new StoppingError();
      options.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}
