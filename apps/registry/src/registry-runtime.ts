import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import type { BusProducer } from '@dock/kafka';
import { LOGGER, PeriodicLoop } from '@dock/platform';
import { BindingRequestHandler } from './adapters/kafka/binding-request-handler';
import { DeviceUplinkHandler } from './adapters/kafka/device-uplink-handler';
import type { RegistryKafkaBridge } from './adapters/kafka/registry-kafka-bridge';
import type { BindingService } from './application/binding-service';
import type { OrganizationService } from './application/organization-service';
import type { OutboxRelay, RegistryStore } from './application/ports';
import type { RegistryConfig } from './registry.config';
import type { RegistryMetrics } from './registry-metrics';
import {
  BUS_PRODUCER,
  BINDING_SERVICE,
  DATA_SOURCE,
  KAFKA_BRIDGE,
  ORGANIZATION_SERVICE,
  OUTBOX_RELAY,
  OUTBOX_WAKEUP,
  REGISTRY_CONFIG,
  REGISTRY_METRICS,
  REGISTRY_STORE,
} from './registry.tokens';

/** Kicks the relay loop once it runs (the store calls it after a commit with device events). */
export class OutboxWakeup {
  loop: PeriodicLoop | undefined;
  kick = (): void => this.loop?.kick();
}

const SWEEP_BATCH = 500;

/**
 * Starts the outbox relay, the silence sweeper and the Kafka consumers once the app (and its
 * migrated database) is up; at shutdown stops intake first, sends what the outbox holds, and
 * closes the database last.
 */
@Injectable()
export class RegistryRuntime
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private relayLoop: PeriodicLoop | undefined;
  private sweepLoop: PeriodicLoop | undefined;

  constructor(
    @Inject(KAFKA_BRIDGE) private readonly kafka: RegistryKafkaBridge,
    @Inject(BINDING_SERVICE) private readonly binding: BindingService,
    @Inject(ORGANIZATION_SERVICE) private readonly organizations: OrganizationService,
    @Inject(REGISTRY_STORE) private readonly store: RegistryStore,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(OUTBOX_WAKEUP) private readonly wakeup: OutboxWakeup,
    @Inject(BUS_PRODUCER) private readonly producer: BusProducer,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    @Inject(REGISTRY_METRICS) private readonly metrics: RegistryMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The first migration creates it; this brings it back if an operator's database lacks it.
    await this.organizations.ensure(DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME);
    await this.kafka.connect();
    this.relayLoop = new PeriodicLoop(
      'outbox-relay',
      this.config.REGISTRY_RELAY_INTERVAL_MS,
      async () => {
        while ((await this.relay.relay()) > 0) {
          /* drain the backlog batch after batch */
        }
      },
      this.logger,
    );
    this.sweepLoop = new PeriodicLoop(
      'silence-sweeper',
      this.config.REGISTRY_SWEEP_INTERVAL_MS,
      async () => {
        let swept: number;
        do {
          swept = await this.store.sweepSilent(
            Date.now(),
            this.config.REGISTRY_DOCK_OFFLINE_AFTER_MS,
            SWEEP_BATCH,
          );
          this.metrics.presenceSweeps.inc(swept);
        } while (swept === SWEEP_BATCH);
      },
      this.logger,
    );
    this.wakeup.loop = this.relayLoop;
    this.relayLoop.start();
    this.sweepLoop.start();
    const logger = this.logger.child({ component: 'kafka' });
    await this.kafka.startConsumers({
      requests: new BindingRequestHandler(
        this.binding,
        (records) => this.producer.sendAll(records),
        {
          repliesTopic: this.kafka.topics.requestReplies,
          maxAgeMs: this.config.REGISTRY_REQUEST_MAX_AGE_MS,
          answeredBy: this.config.SERVICE_NAME ?? 'registry',
        },
        this.metrics,
        logger,
      ),
      uplink: new DeviceUplinkHandler(this.store, this.metrics, logger),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.kafka.stopConsumers();
    await this.sweepLoop?.stop();
    await this.relayLoop?.stop();
    this.wakeup.loop = undefined;
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
