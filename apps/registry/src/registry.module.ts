import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
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
import type { MessageBus } from '@dock/kafka';
import { PilotH5Module } from '@dock/pilot-h5';
import { REGISTRY_TOPICS, RegistryTopics } from './adapters/kafka/registry-topics';
import { RegistryPilotBootstrap } from './adapters/pilot/registry-pilot-bootstrap';
import { PgMqttCredentialStore } from './adapters/postgres/pg-mqtt-credential-store';
import { PgRegistryStore } from './adapters/postgres/pg-registry-store';
import { REGISTRY_ENTITIES, REGISTRY_MIGRATIONS } from './adapters/postgres/registry-schema';
import { BindingService } from './application/binding-service';
import { MqttAccessService } from './application/mqtt-access-service';
import { MqttCredentialService } from './application/mqtt-credential-service';
import { OrganizationService } from './application/organization-service';
import type { RegistryStore } from './application/ports';
import { DevicesController } from './http/devices.controller';
import { MqttBrokerHooksController } from './http/mqtt-broker-hooks.controller';
import { MqttCredentialsController } from './http/mqtt-credentials.controller';
import { OrganizationsController } from './http/organizations.controller';
import { RegistryErrorsFilter } from './http/registry-errors.filter';
import { RegistryConfig } from './registry.config';
import { createRegistryMetrics, mqttRefusalObserver, RegistryMetrics } from './registry-metrics';
import { OutboxWakeup, RegistryRuntime, RegistryRuntimeParts } from './registry-runtime';
import {
  BINDING_SERVICE,
  DATA_SOURCE,
  KAFKA_BRIDGE,
  MQTT_ACCESS_SERVICE,
  MQTT_CREDENTIAL_SERVICE,
  ORGANIZATION_SERVICE,
  OUTBOX_RELAY,
  OUTBOX_WAKEUP,
  PILOT_BOOTSTRAP,
  REGISTRY_CONFIG,
  REGISTRY_METRICS,
  REGISTRY_RUNTIME,
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
    const auth = apiAuthSettings(config);
    // The Pilot 2 access page (/pilot); its organization lookup is bound below.
    const pilot = new RegistryPilotBootstrap(config);
    return {
      module: RegistryModule,
      imports: [
        ...PlatformModule.forService({ service: 'registry', logger, checks }, options.platform),
        PilotH5Module.register({ bootstrap: pilot, auth }),
      ],
      controllers: [
        OrganizationsController,
        DevicesController,
        MqttCredentialsController,
        MqttBrokerHooksController,
      ],
      providers: [
        ...apiAuthProviders(auth, logger),
        { provide: APP_FILTER, useClass: RegistryErrorsFilter },
        { provide: REGISTRY_CONFIG, useValue: config },
        metricsProvider(REGISTRY_METRICS, createRegistryMetrics),
        postgresDataSourceProvider(DATA_SOURCE, {
          service: 'registry',
          config,
          entities: REGISTRY_ENTITIES,
          migrations: REGISTRY_MIGRATIONS,
          logger,
          poolSize: options.databasePoolSize,
        }),
        { provide: OUTBOX_WAKEUP, useFactory: () => new OutboxWakeup() },
        {
          provide: MQTT_ACCESS_SERVICE,
          inject: [DATA_SOURCE, REGISTRY_METRICS],
          useFactory: (dataSource: DataSource, metrics: RegistryMetrics) =>
            new MqttAccessService(
              new PgMqttCredentialStore(dataSource),
              { cacheTtlMs: config.REGISTRY_MQTT_ACCESS_CACHE_MS },
              mqttRefusalObserver(metrics, logger),
            ),
        },
        {
          provide: REGISTRY_STORE,
          inject: [DATA_SOURCE, OUTBOX_WAKEUP, MQTT_ACCESS_SERVICE],
          useFactory: (dataSource: DataSource, wakeup: OutboxWakeup, access: MqttAccessService) =>
            new PgRegistryStore(dataSource, {
              deviceEventsTopic: topics.deviceEvents,
              // Device events follow every binding and topology change: the broker's cache too.
              onOutbox: () => {
                access.bindingsChanged();
                wakeup.kick();
              },
            }),
        },
        {
          provide: MQTT_CREDENTIAL_SERVICE,
          inject: [DATA_SOURCE, REGISTRY_STORE, MQTT_ACCESS_SERVICE],
          useFactory: (dataSource: DataSource, store: RegistryStore, access: MqttAccessService) =>
            new MqttCredentialService(
              new PgMqttCredentialStore(dataSource),
              async (id) => (await store.findOrganization(id)) !== undefined,
              access.credentialsChanged,
            ),
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
        serviceBusProvider(BUS, { service: 'registry', config, logger, bus: options.bus }),
        serviceBridgeProvider(KAFKA_BRIDGE, BUS, { topics: Object.values(topics), logger }),
        outboxRelayProvider(
          OUTBOX_RELAY,
          { dataSource: DATA_SOURCE, bridge: KAFKA_BRIDGE },
          { service: 'registry', headers: true },
        ),
        ...serviceRuntimeProviders(
          REGISTRY_RUNTIME,
          {
            kafka: KAFKA_BRIDGE,
            binding: BINDING_SERVICE,
            organizations: ORGANIZATION_SERVICE,
            store: REGISTRY_STORE,
            relay: OUTBOX_RELAY,
            wakeup: OUTBOX_WAKEUP,
            dataSource: DATA_SOURCE,
            metrics: REGISTRY_METRICS,
            mqttCredentials: MQTT_CREDENTIAL_SERVICE,
          },
          (parts: RegistryRuntimeParts) => new RegistryRuntime(parts, { config, topics, logger }),
        ),
      ],
      exports: [ORGANIZATION_SERVICE, MQTT_ACCESS_SERVICE, MQTT_CREDENTIAL_SERVICE],
    };
  }
}
