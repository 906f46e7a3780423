import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import {
  apiAuthProviders,
  createPostgresDataSource,
  DependencyCheck,
  guardServiceConsumers,
  kafkaSecurity,
  Logger,
  METRICS_REGISTRY,
  PgOutboxRelay,
  PlatformModule,
  SERVICE_LIFECYCLE,
  ServiceLifecycle,
} from '@dock/platform';
import { BusProducer, KafkaBus, MessageBus } from '@dock/kafka';
import { PilotH5Module } from '@dock/pilot-h5';
import { RegistryKafkaBridge } from './adapters/kafka/registry-kafka-bridge';
import { REGISTRY_TOPICS, RegistryTopics } from './adapters/kafka/registry-topics';
import { RegistryPilotBootstrap } from './adapters/pilot/registry-pilot-bootstrap';
import { PgRegistryStore } from './adapters/postgres/pg-registry-store';
import { REGISTRY_ENTITIES, REGISTRY_MIGRATIONS } from './adapters/postgres/registry-schema';
import { BindingService } from './application/binding-service';
import { OrganizationService } from './application/organization-service';
import type { RegistryStore } from './application/ports';
import { DevicesController } from './http/devices.controller';
import { OrganizationsController } from './http/organizations.controller';
import { RegistryErrorsFilter } from './http/registry-errors.filter';
import { RegistryConfig } from './registry.config';
import { createRegistryMetrics } from './registry-metrics';
import { OutboxWakeup, RegistryRuntime } from './registry-runtime';
import {
  BINDING_SERVICE,
  BUS_PRODUCER,
  DATA_SOURCE,
  KAFKA_BRIDGE,
  ORGANIZATION_SERVICE,
  OUTBOX_RELAY,
  OUTBOX_WAKEUP,
  PILOT_BOOTSTRAP,
  REGISTRY_CONFIG,
  REGISTRY_METRICS,
  REGISTRY_STORE,
} from './registry.tokens';

/** What tests and the embedded mode change without going through the environment. */
export interface RegistryModuleOptions {
  /** Topics of the test's own, so runs never see each other's records. */
  topics?: RegistryTopics;
  /** The message bus (the embedded mode's in-process bus); default: Kafka at KAFKA_BROKERS. */
  bus?: MessageBus;
  /** false: the host app provides PlatformModule for several services (embedded mode). */
  platform?: boolean;
  /** The database URL's pool size (the embedded PostgreSQL wants few connections). */
  databasePoolSize?: number;
}

const BUS = Symbol('BUS');

/**
 * The registry service: organizations and their binding codes, the answers to the docks'
 * binding requests, and the live device registry (presence, topology, firmware). A thin
 * shell: the rules live in ./domain, the I/O in ./adapters.
 */
@Module({})
export class RegistryModule {
  static register(
    config: RegistryConfig,
    logger: Logger,
    checks: DependencyCheck[],
    options: RegistryModuleOptions = {},
  ): DynamicModule {
    const topics = options.topics ?? REGISTRY_TOPICS;
    const auth = { tokens: config.API_TOKENS, disabled: config.AUTH_DISABLED };
    // The Pilot 2 access page (/pilot); its organization lookup is bound below.
    const pilot = new RegistryPilotBootstrap(config);
    return {
      module: RegistryModule,
      imports: [
        ...(options.platform === false
          ? []
          : [PlatformModule.forRoot({ service: 'registry', logger, checks })]),
        PilotH5Module.register({ bootstrap: pilot, auth }),
      ],
      controllers: [OrganizationsController, DevicesController],
      providers: [
        ...apiAuthProviders(auth, logger),
        { provide: APP_FILTER, useClass: RegistryErrorsFilter },
        { provide: REGISTRY_CONFIG, useValue: config },
        {
          provide: REGISTRY_METRICS,
          inject: [METRICS_REGISTRY],
          useFactory: (registry: Registry) => createRegistryMetrics(registry),
        },
        {
          provide: DATA_SOURCE,
          useFactory: () =>
            createPostgresDataSource({
              url: config.DATABASE_URL,
              schema: config.DATABASE_SCHEMA,
              entities: REGISTRY_ENTITIES,
              migrations: REGISTRY_MIGRATIONS,
              logger,
              poolSize: options.databasePoolSize,
              applicationName: config.SERVICE_NAME ?? 'registry',
              migrationsOnStart: config.DATABASE_MIGRATIONS,
            }),
        },
        { provide: OUTBOX_WAKEUP, useFactory: () => new OutboxWakeup() },
        {
          provide: REGISTRY_STORE,
          inject: [DATA_SOURCE, OUTBOX_WAKEUP],
          useFactory: (dataSource: DataSource, wakeup: OutboxWakeup) =>
            new PgRegistryStore(dataSource, {
              deviceEventsTopic: topics.deviceEvents,
              onOutbox: wakeup.kick,
            }),
        },
        {
          provide: ORGANIZATION_SERVICE,
          inject: [REGISTRY_STORE],
          useFactory: (store: RegistryStore) => new OrganizationService(store),
        },
        {
          provide: PILOT_BOOTSTRAP,
          inject: [ORGANIZATION_SERVICE],
          useFactory: (organizations: OrganizationService) => {
            pilot.bindOrganizations((id) => organizations.find(id));
            return pilot;
          },
        },
        {
          provide: BINDING_SERVICE,
          inject: [REGISTRY_STORE],
          useFactory: (store: RegistryStore) => new BindingService(store),
        },
        {
          provide: BUS,
          inject: [SERVICE_LIFECYCLE, METRICS_REGISTRY],
          useFactory: (lifecycle: ServiceLifecycle, registry: Registry) =>
            guardServiceConsumers(
              options.bus ??
                KafkaBus.fromSettings(
                  {
                    brokers: config.KAFKA_BROKERS,
                    clientId: config.KAFKA_CLIENT_ID ?? 'registry',
                    logger,
                    ...kafkaSecurity(config),
                  },
                  { onConsumerGaveUp: lifecycle.consumerGaveUp },
                ),
              { service: 'registry', config, registry, lifecycle, logger },
            ),
        },
        {
          provide: BUS_PRODUCER,
          inject: [BUS],
          useFactory: (bus: MessageBus) => bus.createProducer(),
        },
        {
          provide: OUTBOX_RELAY,
          inject: [DATA_SOURCE, BUS_PRODUCER],
          useFactory: (dataSource: DataSource, producer: BusProducer) =>
            new PgOutboxRelay(dataSource, (records) => producer.sendAll(records), {
              service: 'registry',
              headers: true,
            }),
        },
        {
          provide: KAFKA_BRIDGE,
          inject: [BUS, BUS_PRODUCER],
          useFactory: (bus: MessageBus, producer: BusProducer) =>
            new RegistryKafkaBridge(
              bus,
              producer,
              {
                topics,
                groupPrefix: config.REGISTRY_KAFKA_GROUP_PREFIX,
                ownsBus: options.bus === undefined,
              },
              logger,
            ),
        },
        RegistryRuntime,
      ],
      exports: [ORGANIZATION_SERVICE],
    };
  }
}
