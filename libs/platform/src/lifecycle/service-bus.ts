import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { ConsumingService } from '@dock/contracts';
import {
  BusProducer,
  ErrorClassifier,
  GuardedBus,
  KafkaBus,
  MessageBus,
  OwnedBus,
  ServiceBridge,
} from '@dock/kafka';
import type { KafkaSecurityConfig } from '../config/kafka-security';
import { kafkaSecurity } from '../config/kafka-security';
import type { consumerGuardEnv } from '../config/env-fields';
import { METRICS_REGISTRY, SERVICE_LIFECYCLE } from '../tokens';
import { guardServiceConsumers } from './guard-consumers';
import type { ServiceLifecycle } from './service-lifecycle';

/** The settings a service's bus reads (commonEnv's Kafka part, the consumer guard's). */
export type ServiceBusConfig = {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string;
} & { [K in keyof typeof consumerGuardEnv]: number } & Partial<KafkaSecurityConfig>;

export interface ServiceBusSettings {
  service: ConsumingService;
  config: ServiceBusConfig;
  /** The service's own logger (the embedded mode hosts several services). */
  logger: Logger;
  /** A bus handed in (the embedded mode's in-process bus): guarded, never closed by the service. */
  bus?: MessageBus;
  /** The Kafka client id when KAFKA_CLIENT_ID is unset (default: the service). */
  clientId?: string;
  /** Errors of the service's own that a retry mends (see libs/kafka consumer-errors). */
  classify?: ErrorClassifier;
  /** Create `<service>.dead-letter` when missing (default true). */
  createTopic?: boolean;
}

/**
 * The one way a service gets its bus: the one handed in, or Kafka at KAFKA_BROKERS (owned, so
 * the service closes it), wrapped by guardServiceConsumers (bounded retries, dead letters,
 * `consumers-<service>` readiness). A consumer group that gives up marks the service broken.
 */
export function createServiceBus(
  settings: ServiceBusSettings,
  platform: { registry: Registry; lifecycle: ServiceLifecycle },
): OwnedBus<GuardedBus> {
  const { config, service, logger } = settings;
  const { registry, lifecycle } = platform;
  const bus =
    settings.bus ??
    KafkaBus.fromSettings(
      {
        brokers: config.KAFKA_BROKERS,
        clientId: config.KAFKA_CLIENT_ID ?? settings.clientId ?? service,
        logger,
        ...kafkaSecurity(config),
      },
      { onConsumerGaveUp: lifecycle.consumerGaveUp },
    );
  return {
    bus: guardServiceConsumers(bus, {
      service,
      config,
      registry,
      lifecycle,
      logger,
      createTopic: settings.createTopic,
      classify: settings.classify,
    }),
    owned: settings.bus === undefined,
  };
}

/** `token` as the service's OwnedBus<GuardedBus>: createServiceBus on the platform's metrics and lifecycle. */
export function serviceBusProvider(
  token: InjectionToken,
  settings: ServiceBusSettings,
): FactoryProvider<OwnedBus<GuardedBus>> {
  return {
    provide: token,
    inject: [METRICS_REGISTRY, SERVICE_LIFECYCLE],
    useFactory: (registry: Registry, lifecycle: ServiceLifecycle) =>
      createServiceBus(settings, { registry, lifecycle }),
  };
}

/**
 * `token` as the service's ServiceBridge over the bus at `busToken`: its topics, and a producer
 * of its own unless `producer` is false (a service that only consumes).
 */
export function serviceBridgeProvider(
  token: InjectionToken,
  busToken: InjectionToken,
  settings: { topics: readonly string[]; logger: Logger; producer?: boolean },
): FactoryProvider<ServiceBridge<BusProducer | undefined>> {
  return {
    provide: token,
    inject: [busToken],
    useFactory: (owned: OwnedBus) =>
      new ServiceBridge(
        owned,
        settings.producer === false ? undefined : owned.bus.createProducer(),
        settings.topics,
        settings.logger,
      ),
  };
}
