import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER } from '@dock/platform';
import type { FileKafkaBridge } from './adapters/kafka/file-kafka-bridge';
import { ResourceRequestHandler } from './adapters/kafka/resource-request-handler';
import { TaskEventHandler } from './adapters/kafka/task-event-handler';
import { S3BlobStorage } from './adapters/storage/s3-blob-storage';
import type { FlightResources } from './domain/flights/flight-resources';
import type { BlobStorage } from './domain/waylines/blob-storage';
import type { FileConfig } from './file.config';
import type { FileMetrics } from './file-metrics';
import {
  BLOB_STORAGE,
  DATA_SOURCE,
  FILE_CONFIG,
  FILE_KAFKA_BRIDGE,
  FILE_METRICS,
  FLIGHT_RESOURCES,
  UPLOAD_STAGING,
} from './file.tokens';
import type { UploadStaging } from './adapters/http/upload-staging';
import type { BusProducer } from '@dock/kafka';

export const REPLY_PRODUCER = Symbol('REPLY_PRODUCER');

/**
 * Starts Kafka consumption once the app (and its migrated database) is up, and at shutdown
 * stops it before the database connections close, so no record is handled half-way.
 */
@Injectable()
export class FileRuntime
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(FILE_KAFKA_BRIDGE) private readonly kafka: FileKafkaBridge,
    @Inject(REPLY_PRODUCER) private readonly producer: BusProducer,
    @Inject(FLIGHT_RESOURCES) private readonly resources: FlightResources,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
    @Inject(FILE_CONFIG) private readonly config: FileConfig,
    @Inject(FILE_METRICS) private readonly metrics: FileMetrics,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const logger = this.logger.child({ component: 'kafka' });
    await this.kafka.start({
      requests: new ResourceRequestHandler(
        this.resources,
        (records) => this.producer.sendAll(records),
        {
          repliesTopic: this.kafka.topics.requestReplies,
          maxAgeMs: this.config.FILE_REQUEST_MAX_AGE_MS,
          answeredBy: this.config.SERVICE_NAME ?? 'file',
        },
        this.metrics,
        logger,
      ),
      taskEvents: new TaskEventHandler(this.resources, this.metrics, logger),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.kafka.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'database pool did not close cleanly');
    });
    if (this.storage instanceof S3BlobStorage) this.storage.destroy();
    // HTTP has drained by now: what is left in the staging directory belongs to nobody.
    await this.staging.remove().catch((error: unknown) => {
      this.logger.warn(
        { err: error, dir: this.staging.dir },
        'upload staging directory not removed',
      );
    });
  }
}
