import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ServiceBridge } from '@dock/kafka';
import { closeDataSource, OutboxRelayLoop, PeriodicLoop, ServiceRuntime } from '@dock/platform';
import { HmsHandler } from './adapters/kafka/hms-handler';
import type { AlertsTopics } from './adapters/kafka/alerts-topics';
import { WebhookSourceHandler } from './adapters/kafka/webhook-source-handler';
import type { AlertsConfig } from './alerts.config';
import type { AlertsMetrics } from './alerts-metrics';
import type { Dispatcher } from './application/dispatcher';
import type { HmsService } from './application/hms-service';
import type { DockBindings, OrganizationLookup } from './application/organization-lookup';
import type { HmsStore, OutboxRelay, WebhookStore } from './application/ports';

/** Kicks the loops once they run; before that (and after) a kick is a no-op. */
export class LoopWakeups {
  relayer: PeriodicLoop | undefined;
  dispatcher: PeriodicLoop | undefined;

  relay(): void {
    this.relayer?.kick();
  }

  dispatch(): void {
    this.dispatcher?.kick();
  }
}

/** What the runtime runs: the module's providers (alerts.module.ts names their tokens). */
export interface AlertsRuntimeParts {
  kafka: ServiceBridge;
  hms: HmsService;
  hmsStore: HmsStore;
  webhooks: WebhookStore;
  /** One adapter: the lookup learns from the bindings it records. */
  organizations: OrganizationLookup & DockBindings;
  relay: OutboxRelay;
  dispatcher: Dispatcher;
  wakeups: LoopWakeups;
  dataSource: DataSource;
  metrics: AlertsMetrics;
}

export interface AlertsRuntimeSettings {
  config: AlertsConfig;
  topics: AlertsTopics;
  logger: Logger;
}

/**
 * Starts the outbox relay, the webhook dispatcher and the consumers (two groups: hms from dock
 * events; the webhook sources) once the app (and its migrated database) is up; drains intake
 * first, lets the deliveries in flight finish, sends what the outbox holds; closes the database
 * last.
 */
export class AlertsRuntime implements ServiceRuntime {
  private relayLoop: OutboxRelayLoop | undefined;
  private dispatchLoop: PeriodicLoop | undefined;

  constructor(
    private readonly parts: AlertsRuntimeParts,
    private readonly settings: AlertsRuntimeSettings,
  ) {}

  async start(): Promise<void> {
    const { kafka, dispatcher, wakeups } = this.parts;
    const { config, topics, logger } = this.settings;
    await kafka.connect();
    this.relayLoop = new OutboxRelayLoop(this.parts.relay, config.ALERTS_RELAY_INTERVAL_MS, logger);
    this.dispatchLoop = new PeriodicLoop(
      'webhook-dispatcher',
      config.ALERTS_WEBHOOK_DISPATCH_INTERVAL_MS,
      async () => {
        // Claimed a full round: more may be due, go again at once.
        if ((await dispatcher.round()) > 0) this.dispatchLoop?.kick();
      },
      logger,
    );
    wakeups.relayer = this.relayLoop;
    wakeups.dispatcher = this.dispatchLoop;
    this.relayLoop.start();
    this.dispatchLoop.start();
    const kafkaLogger = logger.child({ component: 'kafka' });
    const hms = new HmsHandler(
      this.parts.hms,
      this.parts.hmsStore,
      this.parts.metrics,
      kafkaLogger,
      () => wakeups.relay(),
    );
    const sources = new WebhookSourceHandler(
      topics,
      this.parts.webhooks,
      this.parts.organizations,
      this.parts.organizations,
      config.ALERTS_WEBHOOK_PROGRESS_INTERVAL_MS,
      this.parts.metrics,
      kafkaLogger,
      () => wakeups.dispatch(),
    );
    const prefix = config.ALERTS_KAFKA_GROUP_PREFIX;
    await kafka.startConsumers([
      {
        groupId: `${prefix}.hms`,
        topics: [topics.uplinkEvents],
        handleBatch: (records) => hms.handleBatch(records),
      },
      {
        groupId: `${prefix}.webhooks`,
        topics: [topics.taskEvents, topics.uplinkEvents, topics.hmsAlerts, topics.deviceEvents],
        handleBatch: (records) => sources.handleBatch(records),
      },
    ]);
  }

  async drain(): Promise<void> {
    await this.parts.kafka.stopConsumers();
    await this.dispatchLoop?.stop();
    // Deliveries in flight finish (bounded by ALERTS_WEBHOOK_TIMEOUT_MS) and are recorded.
    await this.parts.dispatcher.drain();
    await this.relayLoop?.drain();
    await this.parts.kafka.disconnect();
  }

  async stop(): Promise<void> {
    await closeDataSource(this.parts.dataSource, this.settings.logger);
  }
}
