import type { KafkaSecurityConfig } from '../../config/kafka-security';
import { kafkaSecurity } from '../../config/kafka-security';
import type { DependencyCheck } from '../health-check';
import { kafkaCheck } from './kafka-check';
import { postgresCheck } from './postgres-check';

/**
 * The readiness checks of a service on PostgreSQL and Kafka (a definition's `checks`): probe
 * connections of their own, Kafka's with the service's security settings.
 */
export function postgresKafkaChecks(
  service: string,
  config: { DATABASE_URL: string; KAFKA_BROKERS: string[] } & Partial<KafkaSecurityConfig>,
): DependencyCheck[] {
  return [
    postgresCheck(config.DATABASE_URL),
    kafkaCheck(config.KAFKA_BROKERS, service, kafkaSecurity(config)),
  ];
}
