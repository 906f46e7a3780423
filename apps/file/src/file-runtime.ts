import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ServiceBridge } from '@dock/kafka';
import { closeDataSource, ServiceRuntime } from '@dock/platform';
import type { FileTopics } from './adapters/kafka/file-topics';
import { ResourceRequestHandler } from './adapters/kafka/resource-request-handler';
import { TaskEventHandler } from './adapters/kafka/task-event-handler';
import type { UploadStaging } from './adapters/http/upload-staging';
import { S3BlobStorage } from './adapters/storage/s3-blob-storage';
import type { FlightResources } from './domain/flights/flight-resources';
import type { BlobStorage } from './domain/waylines/blob-storage';
import type { FileConfig } from './file.config';
import type { FileMetrics } from './file-metrics';

/** What the runtime runs: the module's providers (file.module.ts names their tokens). */
export interface FileRuntimeParts {
  kafka: ServiceBridge;
  resources: FlightResources;
  dataSource: DataSource;
  storage: BlobStorage;
  metrics: FileMetrics;
  staging: UploadStaging;
}

export interface FileRuntimeSettings {
  config: FileConfig;
  topics: FileTopics;
  logger: Logger;
}

/**
 * Starts consuming (dock requests, answered on request replies; task events) once the app (and
 * its migrated database) is up, and drains it before the database connections close, so no
 * record is handled half-way.
 */
export class FileRuntime implements ServiceRuntime {
  constructor(
    private readonly parts: FileRuntimeParts,
    private readonly settings: FileRuntimeSettings,
  ) {}

  async start(): Promise<void> {
    const { kafka, resources, metrics } = this.parts;
    const { config, topics } = this.settings;
    const logger = this.settings.logger.child({ component: 'kafka' });
    await kafka.connect();
    const requests = new ResourceRequestHandler(
      resources,
      (records) => kafka.producer.sendAll(records),
      {
        repliesTopic: topics.requestReplies,
        maxAgeMs: config.FILE_REQUEST_MAX_AGE_MS,
        answeredBy: config.SERVICE_NAME ?? 'file',
      },
      metrics,
      logger,
    );
    const taskEvents = new TaskEventHandler(resources, metrics, logger);
    const prefix = config.FILE_KAFKA_GROUP_PREFIX;
    await kafka.startConsumers([
      {
        groupId: `${prefix}.resource-requests`,
        topics: [topics.requests],
        handleBatch: (records) => requests.handleBatch(records),
      },
      {
        groupId: `${prefix}.task-events`,
        topics: [topics.taskEvents],
        handleBatch: (records) => taskEvents.handleBatch(records),
      },
    ]);
  }

  /** Stops intake first, then sends what is still queued. */
  async drain(): Promise<void> {
    await this.parts.kafka.stopConsumers();
    await this.parts.kafka.disconnect();
  }

  async stop(): Promise<void> {
    const { storage, staging } = this.parts;
    const { logger } = this.settings;
    await closeDataSource(this.parts.dataSource, logger);
    if (storage instanceof S3BlobStorage) storage.destroy();
    // HTTP has drained by now: what is left in the staging directory belongs to nobody.
    await staging.remove().catch((error: unknown) => {
      logger.warn({ err: error, dir: staging.dir }, 'upload staging directory not removed');
    });
  }
}
