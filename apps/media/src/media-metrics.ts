import { Counter, Registry } from 'prom-client';

/** The media service's own Prometheus series, registered on the platform's registry. */
export interface MediaMetrics {
  /** storage_config_get answers, by result (0, 317001). */
  storageRequests: Counter<'result'>;
  /** file_upload_callback outcomes: recorded, duplicate, upload_failed, unknown_flight. */
  callbacks: Counter<'outcome'>;
  skippedRecords: Counter<'topic' | 'reason'>;
}

export function createMediaMetrics(registry: Registry): MediaMetrics {
  return {
    storageRequests: new Counter({
      name: 'media_storage_requests_total',
      help: 'storage_config_get requests answered, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    callbacks: new Counter({
      name: 'media_callbacks_total',
      help: 'file_upload_callback events handled, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    skippedRecords: new Counter({
      name: 'media_skipped_records_total',
      help: 'Consumed records skipped (malformed, not ours, stale), by topic and reason',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    }),
  };
}
