import type { Logger } from 'pino';
import { BackoffSettings, nextRetry } from '../domain/webhooks/backoff';
import { signWebhook, WEBHOOK_HEADERS } from '../domain/webhooks/signature';
import type { Delivery, WebhookSender, WebhookStore } from './ports';

export interface DispatcherSettings {
  /** Deliveries in flight on this replica at most. */
  concurrency: number;
  /** Deliveries in flight per subscription (this replica) at most. */
  perSubscription: number;
  /** How long a claimed delivery is this replica's before another may take it (> the timeout). */
  leaseMs: number;
  backoff: BackoffSettings;
}

export interface DispatchObserver {
  delivered(delivery: Delivery, latencyMs: number): void;
  failed(delivery: Delivery, dead: boolean): void;
}

/**
 * Claims due deliveries and POSTs them, signed. Runs on every replica: the claim (FOR UPDATE
 * SKIP LOCKED, then a lease) gives each delivery to one replica. A subscription with
 * deliveries in flight on this replica is not claimed for again until they finish, so a slow
 * endpoint only ever waits on itself; the others keep their slots.
 */
export class Dispatcher {
  private readonly inFlight = new Map<string, number>();
  private running = 0;
  private readonly finished = new Set<Promise<void>>();

  constructor(
    private readonly store: WebhookStore,
    private readonly sender: WebhookSender,
    private readonly secrets: (
      subscriptionId: string,
    ) => Promise<{ url: string; secret: string } | null>,
    private readonly settings: DispatcherSettings,
    private readonly observer: DispatchObserver,
    private readonly logger: Logger,
    private readonly onSlotFree: () => void = () => undefined,
  ) {}

  /** One round: claims what fits in the free slots and starts it; resolves to how many. */
  async round(now = Date.now()): Promise<number> {
    const free = this.settings.concurrency - this.running;
    if (free <= 0) return 0;
    const claimed = await this.store.claimDue(
      now,
      free,
      this.settings.leaseMs,
      [...this.inFlight.keys()],
      this.settings.perSubscription,
    );
    for (const delivery of claimed) {
      this.running += 1;
      this.inFlight.set(
        delivery.subscriptionId,
        (this.inFlight.get(delivery.subscriptionId) ?? 0) + 1,
      );
      const done: Promise<void> = this.deliver(delivery)
        .catch((error: unknown) => {
          // The lease runs out and another round retries it; nothing is lost.
          this.logger.error({ err: error, deliveryId: delivery.id }, 'delivery bookkeeping failed');
        })
        .finally(() => {
          this.running -= 1;
          const left = (this.inFlight.get(delivery.subscriptionId) ?? 1) - 1;
          if (left <= 0) this.inFlight.delete(delivery.subscriptionId);
          else this.inFlight.set(delivery.subscriptionId, left);
          this.finished.delete(done);
          this.onSlotFree();
        });
      this.finished.add(done);
    }
    return claimed.length;
  }

  /** Waits for the deliveries in flight (shutdown drain). */
  async drain(): Promise<void> {
    await Promise.all([...this.finished]);
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const target = await this.secrets(delivery.subscriptionId);
    if (!target) return; // the subscription was deleted; its rows went with it
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await this.sender.send({
      url: target.url,
      body: delivery.body,
      headers: {
        [WEBHOOK_HEADERS.id]: delivery.eventId,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signWebhook(target.secret, timestamp, delivery.body),
        [WEBHOOK_HEADERS.event]: delivery.eventType,
        [WEBHOOK_HEADERS.attempt]: String(delivery.attempts),
      },
    });
    const at = Date.now();
    const outcome = { at, status: result.status, error: result.error, latencyMs: result.latencyMs };
    if (result.error === null) {
      await this.store.markDelivered(delivery.id, outcome);
      this.observer.delivered(delivery, result.latencyMs);
      return;
    }
    const retry = nextRetry(
      this.settings.backoff,
      delivery.attempts,
      delivery.firstAttemptAt ?? at,
      at,
    );
    await this.store.markFailed(delivery.id, outcome, retry.retry ? retry.nextAttemptAt : null);
    this.observer.failed(delivery, !retry.retry);
    this.logger.warn(
      {
        deliveryId: delivery.id,
        subscriptionId: delivery.subscriptionId,
        attempt: delivery.attempts,
        status: result.status,
        error: result.error,
        deadLettered: !retry.retry,
      },
      'webhook delivery failed',
    );
  }
}
