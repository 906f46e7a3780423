import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import type { ServiceBridge } from '@dock/kafka';
import { closeDataSource, OutboxRelayLoop, PeriodicLoop, ServiceRuntime } from '@dock/platform';
import { BindingRequestHandler } from './adapters/kafka/binding-request-handler';
import { DeviceUplinkHandler } from './adapters/kafka/device-uplink-handler';
import type { RegistryTopics } from './adapters/kafka/registry-topics';
import type { BindingService } from './application/binding-service';
import type { MqttCredentialService } from './application/mqtt-credential-service';
import type { OrganizationService } from './application/organization-service';
import type { OutboxRelay, RegistryStore } from './application/ports';
import type { RegistryConfig } from './registry.config';
import type { RegistryMetrics } from './registry-metrics';

/** Kicks the relay loop once it runs (the store calls it after a commit with device events). */
export class OutboxWakeup {
  loop: PeriodicLoop | undefined;
  kick = (): void => this.loop?.kick();
}

const SWEEP_BATCH = 500;

/** What the runtime runs: the module's providers (registry.module.ts names their tokens). */
export interface RegistryRuntimeParts {
  kafka: ServiceBridge;
  binding: BindingService;
  organizations: OrganizationService;
  store: RegistryStore;
  relay: OutboxRelay;
  wakeup: OutboxWakeup;
  dataSource: DataSource;
  metrics: RegistryMetrics;
  mqttCredentials: MqttCredentialService;
}

export interface RegistryRuntimeSettings {
  config: RegistryConfig;
  topics: RegistryTopics;
  logger: Logger;
}

/**
 * Starts the outbox relay, the silence sweeper and the consumers (dock requests; status, osd
 * and state) once the app (and its migrated database) is up; drains intake first and sends
 * what the outbox holds; closes the database last.
 */
export class RegistryRuntime implements ServiceRuntime {
  private relayLoop: OutboxRelayLoop | undefined;
  private sweepLoop: PeriodicLoop | undefined;

  constructor(
    private readonly parts: RegistryRuntimeParts,
    private readonly settings: RegistryRuntimeSettings,
  ) {}

  async start(): Promise<void> {
    const { kafka, store, metrics, wakeup } = this.parts;
    const { config, topics, logger } = this.settings;
    // The first migration creates it; this brings it back if an operator's database lacks it.
    await this.parts.organizations.ensure(DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME);
    // The gateway's MQTT service account, as the gateway's MQTT_USERNAME / MQTT_PASSWORD say.
    if (config.MQTT_SERVICE_ACCOUNT_PASSWORD !== undefined) {
      await this.parts.mqttCredentials.ensureGatewayAccount(
        config.MQTT_SERVICE_ACCOUNT_USERNAME,
        config.MQTT_SERVICE_ACCOUNT_PASSWORD,
      );
    }
    await kafka.connect();
    this.relayLoop = new OutboxRelayLoop(
      this.parts.relay,
      config.REGISTRY_RELAY_INTERVAL_MS,
      logger,
    );
    this.sweepLoop = new PeriodicLoop(
      'silence-sweeper',
      config.REGISTRY_SWEEP_INTERVAL_MS,
      async () => {
        let swept: number;
        do {
          swept = await store.sweepSilent(
            Date.now(),
            config.REGISTRY_DOCK_OFFLINE_AFTER_MS,
            SWEEP_BATCH,
          );
          metrics.presenceSweeps.inc(swept);
        } while (swept === SWEEP_BATCH);
      },
      logger,
    );
    wakeup.loop = this.relayLoop;
    this.relayLoop.start();
    this.sweepLoop.start();
    const kafkaLogger = logger.child({ component: 'kafka' });
    const requests = new BindingRequestHandler(
      this.parts.binding,
      (records) => kafka.producer.sendAll(records),
      {
        repliesTopic: topics.requestReplies,
        maxAgeMs: config.REGISTRY_REQUEST_MAX_AGE_MS,
        answeredBy: config.SERVICE_NAME ?? 'registry',
      },
      metrics,
      kafkaLogger,
    );
    const uplink = new DeviceUplinkHandler(store, metrics, kafkaLogger);
    const prefix = config.REGISTRY_KAFKA_GROUP_PREFIX;
    await kafka.startConsumers([
      {
        groupId: `${prefix}.binding-requests`,
        topics: [topics.requests],
        handleBatch: (records) => requests.handleBatch(records),
      },
      {
        groupId: `${prefix}.device-uplink`,
        topics: [topics.status, topics.osd, topics.state],
        handleBatch: (records) => uplink.handleBatch(records),
      },
    ]);
  }

  async drain(): Promise<void> {
    await this.parts.kafka.stopConsumers();
    await this.sweepLoop?.stop();
    this.parts.wakeup.loop = undefined;
    await this.relayLoop?.drain();
    await this.parts.kafka.disconnect();
  }

  async stop(): Promise<void> {
    await closeDataSource(this.parts.dataSource, this.settings.logger);
  }
}
