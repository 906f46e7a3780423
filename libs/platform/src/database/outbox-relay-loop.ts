import type { Logger } from 'pino';
import { PeriodicLoop } from '../lifecycle/periodic-loop';

/** What the loop relays: PgOutboxRelay, or a service's port over it. */
export interface RelaysOutbox {
  /** Sends one batch of the outbox; resolves with how many records it sent. */
  relay(): Promise<number>;
}

/**
 * The outbox relay of a service: every `intervalMs`, or at once when kicked after a commit,
 * sends batch after batch while the outbox holds records. At drain it stops, then relays once
 * more, so what the last changes wrote goes out now rather than at the next start.
 */
export class OutboxRelayLoop extends PeriodicLoop {
  constructor(
    private readonly outbox: RelaysOutbox,
    intervalMs: number,
    private readonly log: Logger,
  ) {
    super(
      'outbox-relay',
      intervalMs,
      async () => {
        // Drain: a big backlog goes out batch after batch without waiting for the interval.
        while ((await outbox.relay()) > 0) {
          /* next batch */
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
