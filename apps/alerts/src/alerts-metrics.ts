import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The alerts service's own Prometheus series, registered on the platform's registry. */
export interface AlertsMetrics {
  deliveries: Counter<'outcome'>;
  deliveryLatency: Histogram;
  hmsChanges: Counter<'change'>;
  skippedRecords: Counter<'topic' | 'reason'>;
}

/** Backlog figures read on each scrape (one query). */
export type BacklogReader = () => Promise<{
  pending: number;
  retrying: number;
  oldestAgeMs: number;
}>;

export function createAlertsMetrics(registry: Registry, backlog: BacklogReader): AlertsMetrics {
  let last = { pending: 0, retrying: 0, oldestAgeMs: 0 };
  let reading: Promise<void> | undefined;
  // One query serves the three gauges of a scrape.
  const refresh = async () => {
    reading ??= backlog()
      .then((value) => {
        last = value;
      })
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
    await reading;
  };
  new Gauge({
    name: 'alerts_webhook_pending_deliveries',
    help: 'Webhook deliveries not yet delivered (and not dead-lettered)',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(last.pending);
    },
  });
  new Gauge({
    name: 'alerts_webhook_retry_backlog',
    help: 'Pending webhook deliveries that failed at least once and wait for a retry',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(last.retrying);
    },
  });
  new Gauge({
    name: 'alerts_webhook_oldest_undelivered_age_seconds',
    help: 'Age of the oldest pending webhook delivery (0 when none)',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(last.oldestAgeMs / 1000);
    },
  });
  return {
    deliveries: new Counter({
      name: 'alerts_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, failed (will retry), dead_lettered',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    deliveryLatency: new Histogram({
      name: 'alerts_webhook_delivery_seconds',
      help: 'Time of successful webhook deliveries (request to response)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    hmsChanges: new Counter({
      name: 'alerts_hms_changes_total',
      help: 'HMS alerts raised and cleared',
      labelNames: ['change'],
      registers: [registry],
    }),
    skippedRecords: new Counter({
      name: 'alerts_kafka_skipped_records_total',
      help: 'Kafka records not handled: malformed or stale',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    }),
  };
}
