import type { HmsAlertRecord } from '@dock/contracts';
import type { StoredAlert } from '../domain/hms/hms-alert';
import type { WebhookEvent } from '../domain/webhooks/event-types';
import type { ThrottleMark } from '../domain/webhooks/progress-throttle';

/** One dock's HMS state inside a transaction that holds the dock's row lock. */
export interface HmsDockTransaction {
  /** The dock timestamp of the last hms message applied, null before the first. */
  readonly lastHmsAt: number | null;
  /** The flight in progress on this dock, null on the ground. */
  readonly activeFlightId: string | null;
  activeAlerts(): Promise<StoredAlert[]>;
  insertAlert(alert: StoredAlert, organizationId: string): Promise<void>;
  updateAlert(alert: StoredAlert): Promise<void>;
  markApplied(at: number): Promise<void>;
  /** alerts.hms record, sent by the outbox relay after the commit. */
  outbox(record: HmsAlertRecord): Promise<void>;
}

export interface AlertQuery {
  organizationId: string;
  gatewaySn?: string;
  flightId?: string;
  state: 'active' | 'cleared' | 'all';
  limit: number;
  /** Alerts raised before this (ms), for paging back. */
  before?: number;
}

export interface HmsStore {
  withDock<T>(gatewaySn: string, work: (tx: HmsDockTransaction) => Promise<T>): Promise<T>;
  /** A flight started (active) or ended on a dock, from its progress reports. */
  observeFlight(gatewaySn: string, flightId: string, active: boolean, at: number): Promise<void>;
  listAlerts(query: AlertQuery): Promise<(StoredAlert & { organizationId: string })[]>;
}

export interface OutboxRelay {
  /** Sends one batch; resolves to how many records went out. */
  relay(): Promise<number>;
}

export interface Subscription {
  readonly id: string;
  readonly organizationId: string;
  readonly url: string;
  readonly secret: string;
  readonly eventTypes: readonly string[];
  readonly description: string | null;
  readonly createdAt: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly orderingKey: string;
  readonly body: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly firstAttemptAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly latencyMs: number | null;
  readonly createdAt: number;
  readonly deliveredAt: number | null;
  readonly deadAt: number | null;
}

export interface AttemptOutcome {
  readonly at: number;
  readonly status: number | null;
  readonly error: string | null;
  readonly latencyMs: number;
}

export interface EnqueueItem {
  readonly event: WebhookEvent;
  readonly throttle?: { readonly flightId: string; readonly mark: ThrottleMark };
}

export interface WebhookStore {
  createSubscription(subscription: Subscription): Promise<void>;
  listSubscriptions(organizationId: string): Promise<Subscription[]>;
  getSubscription(id: string): Promise<Subscription | null>;
  deleteSubscription(id: string, organizationId: string): Promise<boolean>;
  /**
   * In one transaction: fans the events out to the subscriptions of their organization that
   * want them (a redelivered record is a no-op: one row per subscription and event id), a
   * progress event only when the per-flight throttle (`passes`) lets it through.
   */
  enqueue(
    items: readonly EnqueueItem[],
    now: number,
    passes: (last: ThrottleMark | null, next: ThrottleMark) => boolean,
  ): Promise<number>;
  /**
   * Leases up to `limit` due deliveries, each the oldest pending of its (subscription,
   * ordering key), skipping rows other replicas hold and the subscriptions in `exclude`.
   */
  claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    exclude: readonly string[],
    perSubscription: number,
  ): Promise<Delivery[]>;
  markDelivered(id: string, outcome: AttemptOutcome): Promise<void>;
  markFailed(id: string, outcome: AttemptOutcome, nextAttemptAt: number | null): Promise<void>;
  listDeliveries(
    subscriptionId: string,
    options: { state?: DeliveryState; limit: number },
  ): Promise<Delivery[]>;
  listDeadLetters(organizationId: string, limit: number): Promise<Delivery[]>;
  /** Dead deliveries back to pending (one, or all of a subscription); resolves to how many. */
  replay(
    organizationId: string,
    target: { deliveryId: string } | { subscriptionId: string },
    now: number,
  ): Promise<number>;
  /** For the metrics: pending deliveries and the age of the oldest. */
  backlog(now: number): Promise<{ pending: number; retrying: number; oldestAgeMs: number }>;
}

/** One HTTP POST of a delivery; never throws (a failure is an outcome). */
export interface WebhookSender {
  send(request: {
    url: string;
    headers: Record<string, string>;
    body: string;
  }): Promise<{ status: number | null; error: string | null; latencyMs: number }>;
}
