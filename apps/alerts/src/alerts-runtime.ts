import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { LOGGER, PeriodicLoop } from '@dock/platform';
import type { AlertsKafkaBridge } from './adapters/kafka/alerts-kafka-bridge';
import { HmsHandler } from './adapters/kafka/hms-handler';
import { WebhookSourceHandler } from './adapters/kafka/webhook-source-handler';
import type { AlertsConfig } from './alerts.config';
import type { AlertsMetrics } from './alerts-metrics';
import {
  ALERTS_CONFIG,
  ALERTS_METRICS,
  DATA_SOURCE,
  DISPATCHER,
  HMS_SERVICE,
  HMS_STORE,
  KAFKA_BRIDGE,
  ORGANIZATION_LOOKUP,
  OUTBOX_RELAY,
  WAKEUPS,
  WEBHOOK_STORE,
} from './alerts.tokens';
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

/**
 * Starts the outbox relay, the webhook dispatcher and the Kafka consumers once the app (and
 * its migrated database) is up; at shutdown stops intake first, lets the deliveries in flight
 * finish, sends what the outbox holds, and closes the database last.
 */
@Injectable()
export class AlertsRuntime
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private relayLoop: PeriodicLoop | undefined;
  private dispatchLoop: PeriodicLoop | undefined;

  constructor(
    @Inject(KAFKA_BRIDGE) private readonly kafka: AlertsKafkaBridge,
    @Inject(HMS_SERVICE) private readonly hms: HmsService,
    @Inject(HMS_STORE) private readonly hmsStore: HmsStore,
    @Inject(WEBHOOK_STORE) private readonly webhooks: WebhookStore,
    /** One adapter: the lookup learns from the bindings it records. */
    @Inject(ORGANIZATION_LOOKUP) private readonly organizations: OrganizationLookup & DockBindings,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(DISPATCHER) private readonly dispatcher: Dispatcher,
    @Inject(WAKEUPS) private readonly wakeups: LoopWakeups,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ALERTS_CONFIG) private readonly config: AlertsConfig,
    @Inject(ALERTS_METRICS) private readonly metrics: AlertsMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.connect();
    this.relayLoop = new PeriodicLoop(
      'outbox-relay',
      this.config.ALERTS_RELAY_INTERVAL_MS,
      async () => {
        while ((await this.relay.relay()) > 0) {
          /* next batch */
        }
      },
      this.logger,
    );
    this.dispatchLoop = new PeriodicLoop(
      'webhook-dispatcher',
      this.config.ALERTS_WEBHOOK_DISPATCH_INTERVAL_MS,
      async () => {
        // Claimed a full round: more may be due, go again at once.
        if ((await this.dispatcher.round()) > 0) this.dispatchLoop?.kick();
      },
      this.logger,
    );
    this.wakeups.relayer = this.relayLoop;
    this.wakeups.dispatcher = this.dispatchLoop;
    this.relayLoop.start();
    this.dispatchLoop.start();
    const logger = this.logger.child({ component: 'kafka' });
    await this.kafka.startConsumers({
      hms: new HmsHandler(this.hms, this.hmsStore, this.metrics, logger, () =>
        this.wakeups.relay(),
      ),
      webhooks: new WebhookSourceHandler(
        this.kafka.topics,
        this.webhooks,
        this.organizations,
        this.organizations,
        this.config.ALERTS_WEBHOOK_PROGRESS_INTERVAL_MS,
        this.metrics,
        logger,
        () => this.wakeups.dispatch(),
      ),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.kafka.stopConsumers();
    await this.dispatchLoop?.stop();
    // Deliveries in flight finish (bounded by ALERTS_WEBHOOK_TIMEOUT_MS) and are recorded.
    await this.dispatcher.drain();
    await this.relayLoop?.stop();
    await this.relay.relay().catch((error: unknown) => {
      this.logger.warn(
        { err: error },
        'final outbox relay failed; records stay for the next start',
      );
    });
    await this.kafka.disconnect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dataSource.destroy().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'database pool did not close cleanly');
    });
  }
}
