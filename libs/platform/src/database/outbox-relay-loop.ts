import type { Logger } from 'pino';
import { PeriodicLoop } from '../lifecycle/periodic-loop';
import { OUTBOX_LOCKED } from './pg-outbox-relay';

/** What the loop relays: PgOutboxRelay, or a service's port over it. */
export interface RelaysOutbox {
  /**
   * Sends one batch of the outbox; resolves with how many records it sent, or OUTBOX_LOCKED
   * when another replica holds the relay lock.
   */
  relay(): Promise<number>;
}

/** The first wait after the relay lock was busy; it doubles up to the loop's interval. */
export const LOCKED_RETRY_FIRST_MS = 5;

/** Waits of 5, 10, 20 … ms, capped by `maxMs`, until reset. */
export class DoublingBackoff {
  private nextMs: number;

  constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
  ) {
    this.nextMs = Math.min(firstMs, maxMs);
  }

  /** The wait to use now; the one after is twice as long (at most `maxMs`). */
  next(): number {
    const wait = this.nextMs;
    this.nextMs = Math.min(wait * 2, this.maxMs);
    return wait;
  }

  reset(): void {
    this.nextMs = Math.min(this.firstMs, this.maxMs);
  }
}

/**
 * The outbox relay of a service: every `intervalMs`, or at once when kicked after a commit,
 * sends batch after batch while the outbox holds records. At drain it stops, then relays once
 * more, so what the last changes wrote goes out now rather than at the next start.
 *
 * When another replica holds the relay lock, it may have read the outbox before our commit, so
 * our records would wait a whole interval: the loop tries again after 5 ms, doubling up to the
 * interval, until it gets the lock (replicas of one schema take turns; each relays all records).
 */
export class OutboxRelayLoop extends PeriodicLoop {
  constructor(
    private readonly outbox: RelaysOutbox,
    intervalMs: number,
    private readonly log: Logger,
  ) {
    const lockedRetry = new DoublingBackoff(LOCKED_RETRY_FIRST_MS, intervalMs);
    super(
      'outbox-relay',
      intervalMs,
      async () => {
        // Drain: a big backlog goes out batch after batch without waiting for the interval.
        for (;;) {
          const sent = await outbox.relay();
          if (sent === OUTBOX_LOCKED) return { nextRunInMs: lockedRetry.next() };
          lockedRetry.reset();
          if (sent <= 0) return undefined;
        }
      },
      log,
    );
  }

  /** Stops the loop, then sends what the outbox holds (one batch; the rest at the next start). */
  async drain(): Promise<void> {
    await this.stop();
    await this.outbox.relay().catch((error: unknown) => {
      this.log.warn({ err: error }, 'final outbox relay failed; records stay for the next start');
    });
  }
}
