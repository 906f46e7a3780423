import type { DataSource } from 'typeorm';
import type {
  AttemptOutcome,
  Delivery,
  DeliveryState,
  EnqueueItem,
  Subscription,
  WebhookStore,
} from '../../application/ports';
import { webhookBody } from '../../domain/webhooks/event-types';
import type { ThrottleMark } from '../../domain/webhooks/progress-throttle';

type Row = Record<string, unknown>;
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

function toSubscription(row: Row): Subscription {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    url: row.url as string,
    secret: row.secret as string,
    eventTypes: row.event_types as string[],
    description: (row.description as string | null) ?? null,
    createdAt: Number(row.created_at),
  };
}

function toDelivery(row: Row): Delivery {
  return {
    id: String(row.id),
    subscriptionId: row.subscription_id as string,
    eventId: row.event_id as string,
    eventType: row.event_type as string,
    orderingKey: row.ordering_key as string,
    body: row.body as string,
    state: row.state as DeliveryState,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    firstAttemptAt: numOrNull(row.first_attempt_at),
    lastAttemptAt: numOrNull(row.last_attempt_at),
    lastStatus: numOrNull(row.last_status),
    lastError: (row.last_error as string | null) ?? null,
    latencyMs: numOrNull(row.latency_ms),
    createdAt: Number(row.created_at),
    deliveredAt: numOrNull(row.delivered_at),
    deadAt: numOrNull(row.dead_at),
  };
}

/** The webhook subscriptions and the durable delivery queue (which is also the delivery log). */
export class PgWebhookStore implements WebhookStore {
  constructor(private readonly dataSource: DataSource) {}

  async createSubscription(s: Subscription): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO webhook_subscriptions (id, organization_id, url, secret, event_types, description, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.id, s.organizationId, s.url, s.secret, s.eventTypes, s.description, s.createdAt],
    );
  }

  async listSubscriptions(organizationId: string): Promise<Subscription[]> {
    const rows = (await this.dataSource.query(
      'SELECT * FROM webhook_subscriptions WHERE organization_id = $1 ORDER BY created_at, id',
      [organizationId],
    )) as Row[];
    return rows.map(toSubscription);
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    const rows = (await this.dataSource.query('SELECT * FROM webhook_subscriptions WHERE id = $1', [
      id,
    ])) as Row[];
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  async deleteSubscription(id: string, organizationId: string): Promise<boolean> {
    const result = (await this.dataSource.query(
      'DELETE FROM webhook_subscriptions WHERE id = $1 AND organization_id = $2 RETURNING id',
      [id, organizationId],
    )) as [Row[], number];
    return result[1] > 0;
  }

  enqueue(
    items: readonly EnqueueItem[],
    now: number,
    passes: (last: ThrottleMark | null, next: ThrottleMark) => boolean,
  ): Promise<number> {
    if (items.length === 0) return Promise.resolve(0);
    return this.dataSource.transaction(async (manager) => {
      let inserted = 0;
      for (const item of items) {
        if (item.throttle) {
          const { flightId, mark } = item.throttle;
          const [last] = (await manager.query(
            'SELECT last_at, status FROM progress_throttle WHERE flight_id = $1 FOR UPDATE',
            [flightId],
          )) as Row[];
          const lastMark = last
            ? { at: Number(last.last_at), status: last.status as string }
            : null;
          if (!passes(lastMark, mark)) continue;
          await manager.query(
            `INSERT INTO progress_throttle (flight_id, last_at, status) VALUES ($1, $2, $3)
             ON CONFLICT (flight_id) DO UPDATE SET last_at = $2, status = $3`,
            [flightId, mark.at, mark.status],
          );
        }
        const { event } = item;
        const result = (await manager.query(
          `INSERT INTO webhook_deliveries
             (subscription_id, event_id, event_type, ordering_key, body, state, next_attempt_at, created_at)
           SELECT s.id, $2, $3, $4, $5, 'pending', $6, $6 FROM webhook_subscriptions s
           WHERE s.organization_id = $1 AND $3 = ANY (s.event_types)
           ORDER BY s.id
           ON CONFLICT (subscription_id, event_id) DO NOTHING
           RETURNING id`,
          [event.organizationId, event.id, event.type, event.orderingKey, webhookBody(event), now],
        )) as Row[];
        inserted += result.length;
      }
      return inserted;
    });
  }

  async claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    exclude: readonly string[],
    perSubscription: number,
  ): Promise<Delivery[]> {
    // Only the head (oldest pending row) of each (subscription, ordering key) is due: order
    // per flight holds even while an earlier delivery is being retried.
    const rows = (await this.dataSource.query(
      `WITH heads AS (
         SELECT DISTINCT ON (subscription_id, ordering_key) id
         FROM webhook_deliveries WHERE state = 'pending'
         ORDER BY subscription_id, ordering_key, id
       ), due AS (
         SELECT w.id, row_number() OVER (PARTITION BY w.subscription_id ORDER BY w.next_attempt_at, w.id) AS n
         FROM webhook_deliveries w JOIN heads h ON h.id = w.id
         WHERE w.next_attempt_at <= $1 AND (w.lease_until IS NULL OR w.lease_until < $1)
           AND NOT (w.subscription_id = ANY ($4::uuid[]))
       ), claimed AS (
         SELECT w.id FROM webhook_deliveries w JOIN due ON due.id = w.id
         WHERE due.n <= $5 AND w.state = 'pending'
         ORDER BY w.next_attempt_at, w.id LIMIT $2
         FOR UPDATE OF w SKIP LOCKED
       )
       UPDATE webhook_deliveries d SET lease_until = $1 + $3, attempts = d.attempts + 1,
         first_attempt_at = COALESCE(d.first_attempt_at, $1), last_attempt_at = $1
       FROM claimed WHERE d.id = claimed.id
       RETURNING d.*`,
      [now, limit, leaseMs, exclude, perSubscription],
    )) as [Row[], number];
    return rows[0].map(toDelivery).sort((a, b) => Number(a.id) - Number(b.id));
  }

  async markDelivered(id: string, outcome: AttemptOutcome): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET state = 'delivered', lease_until = NULL, last_status = $2,
         last_error = NULL, latency_ms = $3, delivered_at = $4 WHERE id = $1`,
      [id, outcome.status, outcome.latencyMs, outcome.at],
    );
  }

  async markFailed(
    id: string,
    outcome: AttemptOutcome,
    nextAttemptAt: number | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET lease_until = NULL, last_status = $2, last_error = $3,
         latency_ms = $4,
         state = CASE WHEN $5::bigint IS NULL THEN 'dead' ELSE 'pending' END,
         next_attempt_at = COALESCE($5::bigint, next_attempt_at),
         dead_at = CASE WHEN $5::bigint IS NULL THEN $6::bigint ELSE NULL END
       WHERE id = $1`,
      [id, outcome.status, outcome.error, outcome.latencyMs, nextAttemptAt, outcome.at],
    );
  }

  async listDeliveries(
    subscriptionId: string,
    options: { state?: DeliveryState; limit: number },
  ): Promise<Delivery[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM webhook_deliveries WHERE subscription_id = $1 AND ($2::text IS NULL OR state = $2)
       ORDER BY id DESC LIMIT $3`,
      [subscriptionId, options.state ?? null, options.limit],
    )) as Row[];
    return rows.map(toDelivery);
  }

  async listDeadLetters(organizationId: string, limit: number): Promise<Delivery[]> {
    const rows = (await this.dataSource.query(
      `SELECT d.* FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
       WHERE s.organization_id = $1 AND d.state = 'dead' ORDER BY d.dead_at DESC, d.id DESC LIMIT $2`,
      [organizationId, limit],
    )) as Row[];
    return rows.map(toDelivery);
  }

  async replay(
    organizationId: string,
    target: { deliveryId: string } | { subscriptionId: string },
    now: number,
  ): Promise<number> {
    const [column, value] =
      'deliveryId' in target
        ? ['d.id', target.deliveryId]
        : ['d.subscription_id', target.subscriptionId];
    // A fresh start: attempts and the retry window begin again; the last error stays in the log.
    const result = (await this.dataSource.query(
      `UPDATE webhook_deliveries d SET state = 'pending', attempts = 0, first_attempt_at = NULL,
         next_attempt_at = $3, dead_at = NULL, lease_until = NULL
       FROM webhook_subscriptions s
       WHERE s.id = d.subscription_id AND s.organization_id = $1 AND ${column} = $2 AND d.state = 'dead'
       RETURNING d.id`,
      [organizationId, value, now],
    )) as [Row[], number];
    return result[1];
  }

  async backlog(now: number): Promise<{ pending: number; retrying: number; oldestAgeMs: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) AS pending, count(*) FILTER (WHERE attempts > 0) AS retrying,
         min(created_at) AS oldest FROM webhook_deliveries WHERE state = 'pending'`,
    )) as Row[];
    return {
      pending: Number(row.pending),
      retrying: Number(row.retrying),
      oldestAgeMs: row.oldest === null ? 0 : Math.max(0, now - Number(row.oldest)),
    };
  }
}
