import { DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import {
  apiAuthProviders,
  apiAuthSettings,
  DependencyCheck,
  Logger,
  metricsProvider,
  outboxRelayProvider,
  PlatformModule,
  postgresDataSourceProvider,
  serviceBridgeProvider,
  serviceBusProvider,
  serviceRuntimeProviders,
} from '@dock/platform';
import { UrlSignature } from '@dock/url-signing';
import { encodeRecord, MessageBus, ServiceBridge } from '@dock/kafka';
import { MEDIA_TOPICS, MediaTopics } from './adapters/kafka/media-topics';
import { MEDIA_ENTITIES, MEDIA_MIGRATIONS } from './adapters/postgres/media-schema';
import { PgMediaStore } from './adapters/postgres/pg-media-store';
import { S3MediaStore } from './adapters/storage/s3-media-store';
import {
  StaticUploadCredentials,
  StsUploadCredentials,
  UploadCredentialIssuer,
} from './adapters/storage/upload-credentials';
import { MediaService } from './application/media-service';
import type { MediaStore } from './application/ports';
import { MediaDownloadLinks } from './http/download-links';
import { MediaController, MediaDownloadsController } from './http/media.controller';
import type { MediaConfig } from './media.config';
import { createMediaMetrics } from './media-metrics';
import { MediaRuntime, MediaRuntimeParts, RelayWakeup } from './media-runtime';
import {
  DATA_SOURCE,
  DOWNLOAD_LINKS,
  KAFKA_BRIDGE,
  MEDIA_CONFIG,
  MEDIA_METRICS,
  MEDIA_RUNTIME,
  MEDIA_SERVICE,
  MEDIA_STORE,
  OBJECT_STORE,
  OUTBOX_RELAY,
  UPLOAD_CREDENTIALS,
  WAKEUPS,
} from './media.tokens';

/** What tests and the embedded mode change without going through the environment. */
export interface MediaModuleOptions {
  topics?: MediaTopics;
  bus?: MessageBus;
  /** false: the host app provides PlatformModule for several services (embedded mode). */
  platform?: boolean;
  databasePoolSize?: number;
}

const BUS = Symbol('BUS');

/**
 * The media service: object-storage credentials for docks (storage_config_get), the files they
 * upload (file_upload_callback) per flight and dock, each flight's media status, signed
 * downloads and the prioritize call. Rules in ./domain, use cases in ./application, I/O in
 * ./adapters.
 */
@Module({})
export class MediaModule {
  static register(
    config: MediaConfig,
    logger: Logger,
    checks: DependencyCheck[],
    options: MediaModuleOptions = {},
  ): DynamicModule {
    const topics = options.topics ?? MEDIA_TOPICS;
    const serviceKey =
      config.MEDIA_STORAGE_ACCESS_KEY_ID && config.MEDIA_STORAGE_SECRET_ACCESS_KEY
        ? {
            accessKeyId: config.MEDIA_STORAGE_ACCESS_KEY_ID,
            secretAccessKey: config.MEDIA_STORAGE_SECRET_ACCESS_KEY,
          }
        : {};
    const publicEndpoint =
      config.MEDIA_STORAGE_PUBLIC_ENDPOINT ??
      config.MEDIA_STORAGE_ENDPOINT ??
      `https://s3.${config.MEDIA_STORAGE_REGION}.amazonaws.com`;
    if (config.MEDIA_UPLOAD_CREDENTIALS === 'static') {
      logger.warn(
        'MEDIA_UPLOAD_CREDENTIALS=static: docks get the configured key as it is; only the ' +
          "store's own policy on that key limits where they write",
      );
    }
    return {
      module: MediaModule,
      imports: PlatformModule.forService({ service: 'media', logger, checks }, options.platform),
      controllers: [MediaController, MediaDownloadsController],
      providers: [
        ...apiAuthProviders(apiAuthSettings(config), logger),
        { provide: MEDIA_CONFIG, useValue: config },
        { provide: WAKEUPS, useValue: new RelayWakeup() },
        metricsProvider(MEDIA_METRICS, createMediaMetrics),
        postgresDataSourceProvider(DATA_SOURCE, {
          service: 'media',
          config,
          entities: MEDIA_ENTITIES,
          migrations: MEDIA_MIGRATIONS,
          logger,
          poolSize: options.databasePoolSize,
        }),
        {
          provide: MEDIA_STORE,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new PgMediaStore(dataSource, topics.mediaRecords),
        },
        {
          provide: OBJECT_STORE,
          useFactory: () =>
            new S3MediaStore({
              bucket: config.MEDIA_STORAGE_BUCKET,
              region: config.MEDIA_STORAGE_REGION,
              endpoint: config.MEDIA_STORAGE_ENDPOINT,
              ...serviceKey,
            }),
        },
        {
          provide: UPLOAD_CREDENTIALS,
          useFactory: (): UploadCredentialIssuer =>
            config.MEDIA_UPLOAD_CREDENTIALS === 'static'
              ? new StaticUploadCredentials(
                  {
                    accessKeyId: config.MEDIA_UPLOAD_ACCESS_KEY_ID ?? '',
                    secretAccessKey: config.MEDIA_UPLOAD_SECRET_ACCESS_KEY ?? '',
                  },
                  config.MEDIA_UPLOAD_CREDENTIAL_TTL_SECONDS,
                )
              : new StsUploadCredentials({
                  region: config.MEDIA_STORAGE_REGION,
                  endpoint: config.MEDIA_STS_ENDPOINT ?? config.MEDIA_STORAGE_ENDPOINT,
                  roleArn: config.MEDIA_STS_ROLE_ARN,
                  ttlSeconds: config.MEDIA_UPLOAD_CREDENTIAL_TTL_SECONDS,
                  ...serviceKey,
                }),
        },
        {
          provide: DOWNLOAD_LINKS,
          useFactory: () =>
            new MediaDownloadLinks(
              new UrlSignature(config.MEDIA_URL_SIGNING_KEY),
              config.MEDIA_PUBLIC_BASE_URL,
              config.MEDIA_DOWNLOAD_TTL_SECONDS,
            ),
        },
        serviceBusProvider(BUS, { service: 'media', config, logger, bus: options.bus }),
        serviceBridgeProvider(KAFKA_BRIDGE, BUS, { topics: Object.values(topics), logger }),
        {
          provide: MEDIA_SERVICE,
          inject: [MEDIA_STORE, UPLOAD_CREDENTIALS, OBJECT_STORE, KAFKA_BRIDGE],
          useFactory: (
            store: MediaStore,
            credentials: UploadCredentialIssuer,
            objects: S3MediaStore,
            kafka: ServiceBridge,
          ) =>
            new MediaService(
              store,
              credentials,
              (key) => objects.stat(key),
              (command) =>
                kafka.producer.send(
                  topics.commands,
                  encodeRecord(command.gatewaySn, command, {
                    bid: command.bid,
                    method: command.method,
                  }),
                ),
              {
                bucket: config.MEDIA_STORAGE_BUCKET,
                region: config.MEDIA_STORAGE_REGION,
                provider: config.MEDIA_STORAGE_PROVIDER,
                publicEndpoint,
                keyRoot: config.MEDIA_OBJECT_KEY_ROOT,
                incompleteAfterMs: config.MEDIA_INCOMPLETE_AFTER_MS,
                maxFlightsPerGrant: 10,
              },
              logger.child({ component: 'media' }),
            ),
        },
        outboxRelayProvider(
          OUTBOX_RELAY,
          { dataSource: DATA_SOURCE, bridge: KAFKA_BRIDGE },
          { service: 'media' },
        ),
        ...serviceRuntimeProviders(
          MEDIA_RUNTIME,
          {
            kafka: KAFKA_BRIDGE,
            media: MEDIA_SERVICE,
            relay: OUTBOX_RELAY,
            wakeup: WAKEUPS,
            objects: OBJECT_STORE,
            credentials: UPLOAD_CREDENTIALS,
            dataSource: DATA_SOURCE,
            metrics: MEDIA_METRICS,
          },
          (parts: MediaRuntimeParts) => new MediaRuntime(parts, { config, topics, logger }),
        ),
      ],
    };
  }
}
