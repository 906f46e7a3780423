import {
  DynamicModule,
  Inject,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { KafkaBus, MessageBus } from '@dock/kafka';
import {
  apiAuthProviders,
  apiAuthSettings,
  createPostgresDataSource,
  DependencyCheck,
  guardServiceConsumers,
  kafkaSecurity,
  Logger,
  METRICS_REGISTRY,
  PlatformModule,
  SERVICE_LIFECYCLE,
  ServiceLifecycle,
} from '@dock/platform';
import { DocksController } from './adapters/http/docks.controller';
import { FlightsController } from './adapters/http/flights.controller';
import { StreamController } from './adapters/http/stream.controller';
import { LiveBroadcaster } from './adapters/live/live-broadcaster';
import { PgTelemetryQueries } from './adapters/postgres/pg-telemetry-queries';
import { TELEMETRY_MIGRATIONS } from './adapters/postgres/telemetry-schema';
import { TelemetryConfig } from './telemetry.config';
import type { TelemetrySharedSettings } from './telemetry-start-schema';
import { createTelemetryMetrics, TelemetryMetrics } from './telemetry-metrics';
import { TelemetryRuntime } from './telemetry-runtime';
import {
  LIVE_BROADCASTER,
  TELEMETRY_CONFIG,
  TELEMETRY_DATA_SOURCE,
  TELEMETRY_METRICS,
  TELEMETRY_QUERIES,
} from './telemetry.tokens';

const TELEMETRY_RUNTIME = Symbol('TELEMETRY_RUNTIME');

/** What the embedded mode (apps/standalone) and tests change without the environment. */
export interface TelemetryModuleOptions {
  /** The message bus (the embedded mode's in-process bus); default: Kafka at KAFKA_BROKERS. */
  bus?: MessageBus;
  /** false: the host app provides PlatformModule for several services (embedded mode). */
  platform?: boolean;
  /** Overrides DATABASE_POOL_SIZE (the embedded PostgreSQL wants few connections). */
  databasePoolSize?: number;
}

/**
 * The telemetry service: stores progress, return-to-home paths, exit-RTH and ready notices and
 * dock topology from Kafka, and serves them over REST and a live SSE stream.
 */
@Module({})
export class TelemetryModule
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  constructor(
    @Inject(TELEMETRY_RUNTIME) private readonly runtime: TelemetryRuntime,
    @Inject(TELEMETRY_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  static register(
    config: TelemetryConfig & TelemetrySharedSettings,
    logger: Logger,
    checks: DependencyCheck[],
    options: TelemetryModuleOptions = {},
  ): DynamicModule {
    return {
      module: TelemetryModule,
      imports:
        options.platform === false
          ? []
          : [PlatformModule.forRoot({ service: 'telemetry', logger, checks })],
      controllers: [FlightsController, DocksController, StreamController],
      providers: [
        { provide: TELEMETRY_CONFIG, useValue: config },
        ...apiAuthProviders(apiAuthSettings(config), logger),
        {
          provide: TELEMETRY_DATA_SOURCE,
          useFactory: () =>
            createPostgresDataSource({
              url: config.DATABASE_URL,
              schema: config.DATABASE_SCHEMA,
              entities: [],
              migrations: TELEMETRY_MIGRATIONS,
              logger,
              poolSize: options.databasePoolSize ?? config.DATABASE_POOL_SIZE,
              applicationName: config.SERVICE_NAME ?? 'telemetry',
              migrationsOnStart: config.DATABASE_MIGRATIONS,
            }),
        },
        {
          provide: TELEMETRY_METRICS,
          useFactory: (registry: Registry) => createTelemetryMetrics(registry),
          inject: [METRICS_REGISTRY],
        },
        {
          provide: LIVE_BROADCASTER,
          useFactory: (metrics: TelemetryMetrics) =>
            new LiveBroadcaster((count) => metrics.liveSubscribers.set(count)),
          inject: [TELEMETRY_METRICS],
        },
        {
          provide: TELEMETRY_QUERIES,
          useFactory: (dataSource: DataSource) => new PgTelemetryQueries(dataSource),
          inject: [TELEMETRY_DATA_SOURCE],
        },
        {
          provide: TELEMETRY_RUNTIME,
          useFactory: (
            dataSource: DataSource,
            broadcaster: LiveBroadcaster,
            metrics: TelemetryMetrics,
            lifecycle: ServiceLifecycle,
            registry: Registry,
          ) =>
            new TelemetryRuntime(
              config,
              guardServiceConsumers(
                options.bus ??
                  KafkaBus.fromSettings(
                    {
                      brokers: config.KAFKA_BROKERS,
                      clientId: config.KAFKA_CLIENT_ID ?? 'telemetry',
                      logger,
                      ...kafkaSecurity(config),
                    },
                    { onConsumerGaveUp: lifecycle.consumerGaveUp },
                  ),
                { service: 'telemetry', config, registry, lifecycle, logger },
              ),
              dataSource,
              broadcaster,
              metrics,
              logger,
              options.bus === undefined,
            ),
          inject: [
            TELEMETRY_DATA_SOURCE,
            LIVE_BROADCASTER,
            TELEMETRY_METRICS,
            SERVICE_LIFECYCLE,
            METRICS_REGISTRY,
          ],
        },
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
  }

  /** Intake stops and live streams end before the HTTP server and the database close. */
  async onModuleDestroy(): Promise<void> {
    await this.runtime.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
