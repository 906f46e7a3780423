import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The telemetry service's own Prometheus series, registered on the platform's registry. */
export interface TelemetryMetrics {
  /** outcome: stored, duplicate, ignored (not for this service), invalid (contract or data). */
  records: Counter<'topic' | 'kind' | 'outcome'>;
  batchWriteSeconds: Histogram;
  batchRecords: Histogram;
  retentionDeleted: Counter<'table'>;
  retentionRuns: Counter<'outcome'>;
  liveSubscribers: Gauge;
  liveUpdates: Counter<'event'>;
  /** SSE clients dropped because more than TELEMETRY_SSE_MAX_BUFFERED_BYTES waited for them. */
  liveOverflows: Counter;
  /** Live-stream requests answered 429, by the cap that refused them (client, total). */
  liveRefused: Counter<'scope'>;
}

export function createTelemetryMetrics(registry: Registry): TelemetryMetrics {
  return {
    records: new Counter({
      name: 'telemetry_records_total',
      help: 'Consumed Kafka records by kind and outcome (stored, duplicate, ignored, invalid)',
      labelNames: ['topic', 'kind', 'outcome'],
      registers: [registry],
    }),
    batchWriteSeconds: new Histogram({
      name: 'telemetry_batch_write_seconds',
      help: 'Time to store one Kafka batch in PostgreSQL (one transaction)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    batchRecords: new Histogram({
      name: 'telemetry_batch_records',
      help: 'Records per consumed Kafka batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
      registers: [registry],
    }),
    retentionDeleted: new Counter({
      name: 'telemetry_retention_deleted_rows_total',
      help: 'Rows removed by retention, per table',
      labelNames: ['table'],
      registers: [registry],
    }),
    retentionRuns: new Counter({
      name: 'telemetry_retention_runs_total',
      help: 'Retention passes by outcome (ran, skipped: another replica holds the lock, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    liveSubscribers: new Gauge({
      name: 'telemetry_live_subscribers',
      help: 'Open live-stream (SSE) connections',
      registers: [registry],
    }),
    liveUpdates: new Counter({
      name: 'telemetry_live_updates_total',
      help: 'Updates published to the live stream, by event',
      labelNames: ['event'],
      registers: [registry],
    }),
    liveRefused: new Counter({
      name: 'telemetry_live_refused_total',
      help: 'Live-stream requests refused with 429, by cap (client: per token, total)',
      labelNames: ['scope'],
      registers: [registry],
    }),
    liveOverflows: new Counter({
      name: 'telemetry_live_overflows_total',
      help:
        'Live-stream (SSE) clients disconnected because they did not read: more than ' +
        'TELEMETRY_SSE_MAX_BUFFERED_BYTES of updates waited for them',
      registers: [registry],
    }),
  };
}
