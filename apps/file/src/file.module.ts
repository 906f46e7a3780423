import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import {
  apiAuthProviders,
  apiAuthSettings,
  DependencyCheck,
  Logger,
  metricsProvider,
  PlatformModule,
  postgresDataSourceProvider,
  serviceBridgeProvider,
  serviceBusProvider,
  serviceRuntimeProviders,
} from '@dock/platform';
import type { MessageBus } from '@dock/kafka';
import { FILE_TOPICS, FileTopics } from './adapters/kafka/file-topics';
import { FILE_ENTITIES, FILE_MIGRATIONS } from './adapters/postgres/file-schema';
import { TypeOrmFlightBindingRepository } from './adapters/postgres/typeorm-flight-binding-repository';
import { TypeOrmWaylineRepository } from './adapters/postgres/typeorm-wayline-repository';
import { UploadStaging } from './adapters/http/upload-staging';
import { createBlobStorage } from './adapters/storage/create-blob-storage';
import { openZipFile } from './adapters/zip/yauzl-archive';
import { DownloadLinks } from './domain/downloads/download-links';
import { DownloadSignature } from './domain/downloads/download-signature';
import { FlightResources } from './domain/flights/flight-resources';
import type { BlobStorage } from './domain/waylines/blob-storage';
import { WaylineLibrary } from './domain/waylines/wayline-library';
import type { WaylineRepository } from './domain/waylines/wayline-repository';
import type { FileConfig } from './file.config';
import { createFileMetrics } from './file-metrics';
import { FileRuntime, FileRuntimeParts } from './file-runtime';
import {
  BLOB_STORAGE,
  DATA_SOURCE,
  DOWNLOAD_LINKS,
  DOWNLOAD_SIGNATURE,
  FILE_CONFIG,
  FILE_KAFKA_BRIDGE,
  FILE_METRICS,
  FILE_RUNTIME,
  FLIGHT_RESOURCES,
  WAYLINE_LIBRARY,
  UPLOAD_STAGING,
  WAYLINE_REPOSITORY,
} from './file.tokens';
import { DownloadsController } from './http/downloads.controller';
import { FileErrorsFilter } from './http/file-errors.filter';
import { FlightsController } from './http/flights.controller';
import { WaylinesController } from './http/waylines.controller';

/** What tests change without going through the environment. */
export interface FileModuleOptions {
  /** Topics of the test's own, so runs never see each other's records. */
  topics?: FileTopics;
  /** The message bus (the embedded mode's in-process bus); default: Kafka at KAFKA_BROKERS. */
  bus?: MessageBus;
  /** false: the host app provides PlatformModule for several services (embedded mode). */
  platform?: boolean;
  /** The database URL's pool size (the embedded PostgreSQL wants few connections). */
  databasePoolSize?: number;
}

const BUS = Symbol('BUS');

/**
 * The file service: the KMZ library, signed downloads, and the answers to the docks'
 * flighttask_resource_get. A thin shell: the rules live in ./domain, the I/O in ./adapters.
 */
@Module({})
export class FileModule {
  static register(
    config: FileConfig,
    logger: Logger,
    checks: DependencyCheck[],
    options: FileModuleOptions = {},
  ): DynamicModule {
    const topics = options.topics ?? FILE_TOPICS;
    return {
      module: FileModule,
      imports: PlatformModule.forService({ service: 'file', logger, checks }, options.platform),
      controllers: [WaylinesController, FlightsController, DownloadsController],
      providers: [
        ...apiAuthProviders(apiAuthSettings(config), logger),
        { provide: APP_FILTER, useClass: FileErrorsFilter },
        { provide: FILE_CONFIG, useValue: config },
        {
          provide: UPLOAD_STAGING,
          useFactory: () => new UploadStaging(config.FILE_UPLOAD_TMP_DIR),
        },
        metricsProvider(FILE_METRICS, createFileMetrics),
        postgresDataSourceProvider(DATA_SOURCE, {
          service: 'file',
          config,
          entities: FILE_ENTITIES,
          migrations: FILE_MIGRATIONS,
          logger,
          poolSize: options.databasePoolSize,
        }),
        { provide: BLOB_STORAGE, useFactory: () => createBlobStorage(config) },
        {
          provide: WAYLINE_REPOSITORY,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new TypeOrmWaylineRepository(dataSource),
        },
        {
          provide: DOWNLOAD_SIGNATURE,
          useFactory: () => new DownloadSignature(config.FILE_URL_SIGNING_KEY),
        },
        {
          provide: DOWNLOAD_LINKS,
          inject: [DOWNLOAD_SIGNATURE, BLOB_STORAGE],
          useFactory: (signature: DownloadSignature, storage: BlobStorage) =>
            new DownloadLinks(signature, storage, {
              publicBaseUrl: config.FILE_PUBLIC_BASE_URL,
              ttlSeconds: config.FILE_URL_TTL_SECONDS,
              preferStorageUrls: config.FILE_S3_DIRECT_DOWNLOADS,
            }),
        },
        {
          provide: WAYLINE_LIBRARY,
          inject: [WAYLINE_REPOSITORY, BLOB_STORAGE],
          useFactory: (repository: WaylineRepository, storage: BlobStorage) =>
            new WaylineLibrary(repository, storage, openZipFile, {
              limits: {
                maxEntries: config.FILE_KMZ_MAX_ENTRIES,
                maxUncompressedBytes: config.FILE_KMZ_MAX_UNCOMPRESSED_BYTES,
                maxCompressionRatio: config.FILE_KMZ_MAX_COMPRESSION_RATIO,
                ratioCheckMinBytes: 1024 * 1024,
              },
              inspectTimeoutMs: config.FILE_KMZ_INSPECT_TIMEOUT_MS,
              unconfirmedBindingHoldMs: config.FILE_UNCONFIRMED_BINDING_HOLD_SECONDS * 1000,
            }),
        },
        {
          provide: FLIGHT_RESOURCES,
          inject: [DATA_SOURCE, WAYLINE_REPOSITORY, DOWNLOAD_LINKS],
          useFactory: (dataSource: DataSource, waylines: WaylineRepository, links: DownloadLinks) =>
            new FlightResources(new TypeOrmFlightBindingRepository(dataSource), waylines, links),
        },
        serviceBusProvider(BUS, { service: 'file', config, logger, bus: options.bus }),
        serviceBridgeProvider(FILE_KAFKA_BRIDGE, BUS, { topics: Object.values(topics), logger }),
        ...serviceRuntimeProviders(
          FILE_RUNTIME,
          {
            kafka: FILE_KAFKA_BRIDGE,
            resources: FLIGHT_RESOURCES,
            dataSource: DATA_SOURCE,
            storage: BLOB_STORAGE,
            metrics: FILE_METRICS,
            staging: UPLOAD_STAGING,
          },
          (parts: FileRuntimeParts) => new FileRuntime(parts, { config, topics, logger }),
        ),
      ],
    };
  }
}
