import { DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { MessageBus } from '@dock/kafka';
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
import { DocksController } from './adapters/http/docks.controller';
import { FlightsController } from './adapters/http/flights.controller';
import { StreamController } from './adapters/http/stream.controller';
import { LiveBroadcaster } from './adapters/live/live-broadcaster';
import { PgTelemetryQueries } from './adapters/postgres/pg-telemetry-queries';
import { TELEMETRY_MIGRATIONS } from './adapters/postgres/telemetry-schema';
import { TelemetryConfig } from './telemetry.config';
import type { TelemetrySharedSettings } from './telemetry-start-schema';
import { createTelemetryMetrics, TelemetryMetrics } from './telemetry-metrics';
import { telemetryBusTopics, TelemetryRuntime, TelemetryRuntimeParts } from './telemetry-runtime';
import {
  KAFKA_BRIDGE,
  LIVE_BROADCASTER,
  TELEMETRY_CONFIG,
  TELEMETRY_DATA_SOURCE,
  TELEMETRY_METRICS,
  TELEMETRY_QUERIES,
  TELEMETRY_RUNTIME,
} from './telemetry.tokens';

const BUS = Symbol('BUS');

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
export class TelemetryModule {
  static register(
    config: TelemetryConfig & TelemetrySharedSettings,
    logger: Logger,
    checks: DependencyCheck[],
    options: TelemetryModuleOptions = {},
  ): DynamicModule {
    return {
      module: TelemetryModule,
      imports: PlatformModule.forService(
        { service: 'telemetry', logger, checks },
        options.platform,
      ),
      controllers: [FlightsController, DocksController, StreamController],
      providers: [
        { provide: TELEMETRY_CONFIG, useValue: config },
        ...apiAuthProviders(apiAuthSettings(config), logger),
        postgresDataSourceProvider(TELEMETRY_DATA_SOURCE, {
          service: 'telemetry',
          config,
          migrations: TELEMETRY_MIGRATIONS,
          logger,
          poolSize: options.databasePoolSize ?? config.DATABASE_POOL_SIZE,
        }),
        metricsProvider(TELEMETRY_METRICS, createTelemetryMetrics),
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
        serviceBusProvider(BUS, { service: 'telemetry', config, logger, bus: options.bus }),
        // Consumes only: no producer.
        serviceBridgeProvider(KAFKA_BRIDGE, BUS, {
          topics: telemetryBusTopics(),
          logger,
          producer: false,
        }),
        ...serviceRuntimeProviders(
          TELEMETRY_RUNTIME,
          {
            kafka: KAFKA_BRIDGE,
            dataSource: TELEMETRY_DATA_SOURCE,
            broadcaster: LIVE_BROADCASTER,
            metrics: TELEMETRY_METRICS,
          },
          (parts: TelemetryRuntimeParts) => new TelemetryRuntime(parts, { config, logger }),
        ),
      ],
    };
  }
}
