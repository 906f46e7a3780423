import { Counter, Registry } from 'prom-client';

/** The file service's own Prometheus series, registered on the platform's registry. */
export interface FileMetrics {
  uploads: Counter<'outcome'>;
  downloads: Counter<'outcome'>;
  resourceRequests: Counter<'result'>;
  skippedRecords: Counter<'topic' | 'reason'>;
}

export function createFileMetrics(registry: Registry): FileMetrics {
  return {
    uploads: new Counter({
      name: 'file_uploads_total',
      help: 'KMZ uploads by outcome (accepted, or the rejection code)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    downloads: new Counter({
      name: 'file_downloads_total',
      help: 'Signed download requests by outcome (full, partial, forbidden, expired, not_found...)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    resourceRequests: new Counter({
      name: 'file_resource_requests_total',
      help: 'flighttask_resource_get requests answered, by result code',
      labelNames: ['result'],
      registers: [registry],
    }),
    skippedRecords: new Counter({
      name: 'file_kafka_skipped_records_total',
      help: 'Kafka records not handled: malformed, stale, or not for this service',
      labelNames: ['topic', 'reason'],
      registers: [registry],
    }),
  };
}
