import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ServiceBridge } from '@dock/kafka';
import { closeDataSource, OutboxRelayLoop, PeriodicLoop, ServiceRuntime } from '@dock/platform';
import { MediaEventHandler, StorageRequestHandler } from './adapters/kafka/media-handlers';
import type { MediaTopics } from './adapters/kafka/media-topics';
import type { S3MediaStore } from './adapters/storage/s3-media-store';
import type { UploadCredentialIssuer } from './adapters/storage/upload-credentials';
import type { MediaService } from './application/media-service';
import type { OutboxRelay } from './application/ports';
import type { MediaConfig } from './media.config';
import type { MediaMetrics } from './media-metrics';

/** Kicks the relay once it runs; before that (and after) a kick is a no-op. */
export class RelayWakeup {
  loop: PeriodicLoop | undefined;

  kick(): void {
    this.loop?.kick();
  }
}

/** What the runtime runs: the module's providers (media.module.ts names their tokens). */
export interface MediaRuntimeParts {
  kafka: ServiceBridge;
  media: MediaService;
  relay: OutboxRelay;
  wakeup: RelayWakeup;
  objects: S3MediaStore;
  credentials: UploadCredentialIssuer;
  dataSource: DataSource;
  metrics: MediaMetrics;
}

export interface MediaRuntimeSettings {
  config: MediaConfig;
  topics: MediaTopics;
  logger: Logger;
}

/**
 * Starts the outbox relay, the incomplete-flight sweeper and the consumers once the app (and
 * its migrated database) is up: storage requests in a group of their own (answered while the
 * dock waits, never behind a backlog of events), dock events, task events and command replies
 * in another. Drains intake first and sends what the outbox holds; stop closes the store
 * clients and the database last.
 */
export class MediaRuntime implements ServiceRuntime {
  private relayLoop: OutboxRelayLoop | undefined;
  private sweepLoop: PeriodicLoop | undefined;

  constructor(
    private readonly parts: MediaRuntimeParts,
    private readonly settings: MediaRuntimeSettings,
  ) {}

  async start(): Promise<void> {
    const { kafka, media, wakeup, metrics } = this.parts;
    const { config, topics, logger } = this.settings;
    await kafka.connect();
    this.relayLoop = new OutboxRelayLoop(this.parts.relay, config.MEDIA_RELAY_INTERVAL_MS, logger);
    this.sweepLoop = new PeriodicLoop(
      'incomplete-sweeper',
      config.MEDIA_SWEEP_INTERVAL_MS,
      async () => {
        if ((await media.sweep()) > 0) wakeup.kick();
      },
      logger,
    );
    wakeup.loop = this.relayLoop;
    this.relayLoop.start();
    this.sweepLoop.start();
    const kafkaLogger = logger.child({ component: 'kafka' });
    const settings = { topics, requestMaxAgeMs: 60_000 };
    const requests = new StorageRequestHandler(
      media,
      (records) => kafka.producer.sendAll(records),
      settings,
      metrics,
      kafkaLogger,
    );
    const events = new MediaEventHandler(media, settings, metrics, kafkaLogger, () =>
      wakeup.kick(),
    );
    const prefix = config.MEDIA_KAFKA_GROUP_PREFIX;
    await kafka.startConsumers([
      {
        groupId: `${prefix}.requests`,
        topics: [topics.uplinkRequests],
        handleBatch: (records) => requests.handleBatch(records),
      },
      {
        groupId: `${prefix}.events`,
        topics: [topics.uplinkEvents, topics.taskEvents, topics.commandReplies],
        handleBatch: (records) => events.handleBatch(records),
      },
    ]);
  }

  async drain(): Promise<void> {
    await this.parts.kafka.stopConsumers();
    await this.sweepLoop?.stop();
    await this.relayLoop?.drain();
    await this.parts.kafka.disconnect();
  }

  async stop(): Promise<void> {
    this.parts.objects.destroy();
    this.parts.credentials.destroy();
    await closeDataSource(this.parts.dataSource, this.settings.logger);
  }
}
