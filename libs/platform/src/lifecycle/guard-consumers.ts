import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { KAFKA_TOPICS, ConsumingService } from '@dock/contracts';
import { ErrorClassifier, GuardedBus, guardConsumers, MessageBus } from '@dock/kafka';
import type { consumerGuardEnv } from '../config/env-fields';
import type { ServiceLifecycle } from './service-lifecycle';

type ConsumerGuardConfig = {
  [K in keyof typeof consumerGuardEnv]: number;
};

/**
 * The one way a service consumes: its bus wrapped so no record can stall a partition (bounded
 * retries, then `<service>.dead-letter`; see libs/kafka GuardedBus), with the metrics on the
 * service's registry and a readiness check `consumers-<service>` naming a stuck partition.
 */
export function guardServiceConsumers(
  bus: MessageBus,
  options: {
    service: ConsumingService;
    config: ConsumerGuardConfig;
    registry: Registry;
    lifecycle: ServiceLifecycle;
    logger: Logger;
    createTopic?: boolean;
    classify?: ErrorClassifier;
  },
): GuardedBus {
  const guarded = guardConsumers(bus, {
    service: options.service,
    deadLetterTopic: KAFKA_TOPICS.consumerDeadLetters[options.service],
    logger: options.logger,
    registry: options.registry,
    maxAttempts: options.config.CONSUMER_MAX_ATTEMPTS,
    retryBackoffMs: options.config.CONSUMER_RETRY_BACKOFF_MS,
    stuckAfterMs: options.config.CONSUMER_STUCK_AFTER_MS,
    createTopic: options.createTopic,
    classify: options.classify,
  });
  options.lifecycle.addReadinessCheck({
    name: `consumers-${options.service}`,
    check: () => guarded.checkConsumers(),
  });
  return guarded;
}
