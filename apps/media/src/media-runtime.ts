import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER, PeriodicLoop } from '@dock/platform';
import type { MediaKafkaBridge } from './adapters/kafka/media-kafka-bridge';
import { MediaEventHandler, StorageRequestHandler } from './adapters/kafka/media-handlers';
import type { S3MediaStore } from './adapters/storage/s3-media-store';
import type { UploadCredentialIssuer } from './adapters/storage/upload-credentials';
import type { MediaService } from './application/media-service';
import type { OutboxRelay } from './application/ports';
import type { MediaConfig } from './media.config';
import type { MediaMetrics } from './media-metrics';
import {
  DATA_SOURCE,
  KAFKA_BRIDGE,
  MEDIA_CONFIG,
  MEDIA_METRICS,
  MEDIA_SERVICE,
  OBJECT_STORE,
  OUTBOX_RELAY,
  UPLOAD_CREDENTIALS,
  WAKEUPS,
} from './media.tokens';

/** Kicks the relay once it runs; before that (and after) a kick is a no-op. */
export class RelayWakeup {
  loop: PeriodicLoop | undefined;

  kick(): void {
    this.loop?.kick();
  }
}

/**
 * Starts the outbox relay, the incomplete-flight sweeper and the consumers once the app (and
 * its migrated database) is up; at shutdown stops intake, sends what the outbox holds, closes
 * the store clients and the database last.
 */
@Injectable()
export class MediaRuntime
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private relayLoop: PeriodicLoop | undefined;
  private sweepLoop: PeriodicLoop | undefined;

  constructor(
    @Inject(KAFKA_BRIDGE) private readonly kafka: MediaKafkaBridge,
    @Inject(MEDIA_SERVICE) private readonly media: MediaService,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(WAKEUPS) private readonly wakeup: RelayWakeup,
    @Inject(OBJECT_STORE) private readonly objects: S3MediaStore,
    @Inject(UPLOAD_CREDENTIALS) private readonly credentials: UploadCredentialIssuer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(MEDIA_CONFIG) private readonly config: MediaConfig,
    @Inject(MEDIA_METRICS) private readonly metrics: MediaMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect();
    this.relayLoop = new PeriodicLoop(
      'outbox-relay',
      this.config.MEDIA_RELAY_INTERVAL_MS,
      async () => {
        while ((await this.relay.relay()) > 0) {
          /* next batch */
        }
      },
      this.logger,
    );
    this.sweepLoop = new PeriodicLoop(
      'incomplete-sweeper',
      this.config.MEDIA_SWEEP_INTERVAL_MS,
      async () => {
        if ((await this.media.sweep()) > 0) this.wakeup.kick();
      },
      this.logger,
    );
    this.wakeup.loop = this.relayLoop;
    this.relayLoop.start();
    this.sweepLoop.start();
    const logger = this.logger.child({ component: 'kafka' });
    const settings = { topics: this.kafka.topics, requestMaxAgeMs: 60_000 };
    await this.kafka.startConsumers({
      requests: new StorageRequestHandler(
        this.media,
        (records) => this.kafka.producer.sendAll(records),
        settings,
        this.metrics,
        logger,
      ),
      events: new MediaEventHandler(this.media, settings, this.metrics, logger, () =>
        this.wakeup.kick(),
      ),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.kafka.stopConsumers();
    await this.sweepLoop?.stop();
    await this.relayLoop?.stop();
    await this.relay.relay().catch((error: unknown) => {
      this.logger.warn(
        { err: error },
        'final outbox relay failed; records stay for the next start',
      );
    });
    await this.kafka.disconnect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.objects.destroy();
    this.credentials.destroy();
    await this.dataSource.destroy().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'database pool did not close cleanly');
    });
  }
}
