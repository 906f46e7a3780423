import { DynamicModule, Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import {
  apiAuthProviders,
  apiAuthSettings,
  DependencyCheck,
  Logger,
  METRICS_REGISTRY,
  outboxRelayProvider,
  PlatformModule,
  postgresDataSourceProvider,
  serviceBridgeProvider,
  serviceBusProvider,
  serviceRuntimeProviders,
} from '@dock/platform';
import type { MessageBus } from '@dock/kafka';
import { loadHmsMessages } from './adapters/hms-message-file';
import { NodeWebhookSender } from './adapters/http/node-webhook-sender';
import { ALERTS_TOPICS, AlertsTopics } from './adapters/kafka/alerts-topics';
import { ALERTS_ENTITIES, ALERTS_MIGRATIONS } from './adapters/postgres/alerts-schema';
import { PgDockOrganizations } from './adapters/postgres/pg-dock-organizations';
import { PgHmsStore } from './adapters/postgres/pg-hms-store';
import { PgWebhookStore } from './adapters/postgres/pg-webhook-store';
import type { AlertsConfig } from './alerts.config';
import { AlertsMetrics, createAlertsMetrics } from './alerts-metrics';
import { AlertsRuntime, AlertsRuntimeParts, LoopWakeups } from './alerts-runtime';
import {
  ALERTS_CONFIG,
  ALERTS_METRICS,
  ALERTS_RUNTIME,
  DATA_SOURCE,
  DISPATCHER,
  HMS_SERVICE,
  HMS_STORE,
  KAFKA_BRIDGE,
  ORGANIZATION_LOOKUP,
  OUTBOX_RELAY,
  WAKEUPS,
  WEBHOOK_POLICY,
  WEBHOOK_STORE,
} from './alerts.tokens';
import { Dispatcher } from './application/dispatcher';
import { HmsService } from './application/hms-service';
import type { OrganizationLookup } from './application/organization-lookup';
import type { HmsStore, WebhookStore } from './application/ports';
import { AlertsController } from './http/alerts.controller';
import { WebhooksController } from './http/webhooks.controller';

/** What tests change without going through the environment. */
export interface AlertsModuleOptions {
  /** Topics of the test's own, so runs never see each other's records. */
  topics?: AlertsTopics;
  /** The message bus (the embedded mode's in-process bus); default: Kafka at KAFKA_BROKERS. */
  bus?: MessageBus;
  /** false: the host app provides PlatformModule for several services (embedded mode). */
  platform?: boolean;
  /** The database URL's pool size (the embedded PostgreSQL wants few connections). */
  databasePoolSize?: number;
}

const BUS = Symbol('BUS');

/** How long a replica trusts what it read of a dock's organization (another replica's binding). */
const DOCK_ORGANIZATION_TTL_MS = 5_000;

/**
 * The alerts service: HMS alerts per device (REST, alerts.hms) and signed webhooks for
 * systems outside Kafka. A thin shell: rules in ./domain, use cases in ./application, I/O in
 * ./adapters.
 */
@Module({})
export class AlertsModule {
  static register(
    config: AlertsConfig,
    logger: Logger,
    checks: DependencyCheck[],
    options: AlertsModuleOptions = {},
  ): DynamicModule {
    const topics = options.topics ?? ALERTS_TOPICS;
    const messages = loadHmsMessages(config.ALERTS_HMS_MESSAGES_FILE, config.ALERTS_HMS_LANGUAGE);
    if (!messages.loaded) {
      logger.info('ALERTS_HMS_MESSAGES_FILE is not set: HMS alerts carry code and arguments only');
    }
    if (config.ALERTS_WEBHOOK_ALLOW_PRIVATE) {
      logger.warn('ALERTS_WEBHOOK_ALLOW_PRIVATE=true: webhooks may reach private addresses');
    }
    return {
      module: AlertsModule,
      imports: PlatformModule.forService({ service: 'alerts', logger, checks }, options.platform),
      controllers: [AlertsController, WebhooksController],
      providers: [
        ...apiAuthProviders(apiAuthSettings(config), logger),
        { provide: ALERTS_CONFIG, useValue: config },
        {
          provide: WEBHOOK_POLICY,
          useValue: { allowPrivate: config.ALERTS_WEBHOOK_ALLOW_PRIVATE },
        },
        { provide: WAKEUPS, useValue: new LoopWakeups() },
        postgresDataSourceProvider(DATA_SOURCE, {
          service: 'alerts',
          config,
          entities: ALERTS_ENTITIES,
          migrations: ALERTS_MIGRATIONS,
          logger,
          poolSize: options.databasePoolSize,
        }),
        {
          // Learned from the registry's binding events (see application/organization-lookup.ts).
          provide: ORGANIZATION_LOOKUP,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) =>
            new PgDockOrganizations(dataSource, DOCK_ORGANIZATION_TTL_MS),
        },
        {
          provide: HMS_STORE,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new PgHmsStore(dataSource, topics.hmsAlerts),
        },
        {
          provide: WEBHOOK_STORE,
          inject: [DATA_SOURCE],
          useFactory: (dataSource: DataSource) => new PgWebhookStore(dataSource),
        },
        {
          provide: ALERTS_METRICS,
          inject: [METRICS_REGISTRY, WEBHOOK_STORE],
          useFactory: (registry: Registry, store: WebhookStore) =>
            createAlertsMetrics(registry, () => store.backlog(Date.now())),
        },
        {
          provide: HMS_SERVICE,
          inject: [HMS_STORE, ORGANIZATION_LOOKUP],
          useFactory: (store: HmsStore, organizations: OrganizationLookup) =>
            new HmsService(store, organizations, messages),
        },
        {
          provide: DISPATCHER,
          inject: [WEBHOOK_STORE, ALERTS_METRICS, WAKEUPS],
          useFactory: (store: WebhookStore, metrics: AlertsMetrics, wakeups: LoopWakeups) =>
            new Dispatcher(
              store,
              new NodeWebhookSender({
                timeoutMs: config.ALERTS_WEBHOOK_TIMEOUT_MS,
                allowPrivate: config.ALERTS_WEBHOOK_ALLOW_PRIVATE,
                userAgent: 'dock-fleet-cloud-webhooks/1',
              }),
              async (id) => store.getSubscription(id),
              {
                concurrency: config.ALERTS_WEBHOOK_CONCURRENCY,
                perSubscription: config.ALERTS_WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION,
                leaseMs: config.ALERTS_WEBHOOK_TIMEOUT_MS * 2 + 5_000,
                backoff: {
                  initialMs: config.ALERTS_WEBHOOK_RETRY_INITIAL_MS,
                  maxMs: config.ALERTS_WEBHOOK_RETRY_MAX_MS,
                  maxTotalMs: config.ALERTS_WEBHOOK_RETRY_WINDOW_MS,
                },
              },
              {
                delivered: (_delivery, latencyMs) => {
                  metrics.deliveries.inc({ outcome: 'delivered' });
                  metrics.deliveryLatency.observe(latencyMs / 1000);
                },
                failed: (_delivery, dead) =>
                  metrics.deliveries.inc({ outcome: dead ? 'dead_lettered' : 'failed' }),
              },
              logger.child({ component: 'webhooks' }),
              () => wakeups.dispatch(),
            ),
        },
        serviceBusProvider(BUS, { service: 'alerts', config, logger, bus: options.bus }),
        serviceBridgeProvider(KAFKA_BRIDGE, BUS, { topics: Object.values(topics), logger }),
        outboxRelayProvider(
          OUTBOX_RELAY,
          { dataSource: DATA_SOURCE, bridge: KAFKA_BRIDGE },
          { service: 'alerts' },
        ),
        ...serviceRuntimeProviders(
          ALERTS_RUNTIME,
          {
            kafka: KAFKA_BRIDGE,
            hms: HMS_SERVICE,
            hmsStore: HMS_STORE,
            webhooks: WEBHOOK_STORE,
            organizations: ORGANIZATION_LOOKUP,
            relay: OUTBOX_RELAY,
            dispatcher: DISPATCHER,
            wakeups: WAKEUPS,
            dataSource: DATA_SOURCE,
            metrics: ALERTS_METRICS,
          },
          (parts: AlertsRuntimeParts) => new AlertsRuntime(parts, { config, topics, logger }),
        ),
      ],
    };
  }
}
