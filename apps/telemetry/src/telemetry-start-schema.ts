import { z } from 'zod';
import {
  databaseMigrations,
  kafkaSecurityEnv,
  KafkaSecurityConfig,
  refineKafkaSecurity,
} from '@dock/platform';
import { telemetryConfigSchema } from './telemetry.config';

/** The settings every service shares for Kafka security (TLS, SASL) and start-up migrations. */
const sharedSettings = z
  .object({ ...kafkaSecurityEnv, DATABASE_MIGRATIONS: databaseMigrations() })
  .superRefine(refineKafkaSecurity);

/**
 * What telemetry reads at start: telemetry.config.ts's schema joined with the shared settings,
 * which that schema does not list itself. The service, the embedded mode and test/deploy all
 * validate with this one, so a secured Kafka or DATABASE_MIGRATIONS=skip reaches telemetry too.
 */
export const telemetryStartSchema = telemetryConfigSchema.and(sharedSettings);

/**
 * The shared settings as TelemetryModule takes them: optional, so that callers which load
 * telemetry.config.ts alone (tests) get PLAINTEXT Kafka and migrations at start.
 */
export type TelemetrySharedSettings = Partial<
  KafkaSecurityConfig & { DATABASE_MIGRATIONS: 'run' | 'skip' }
>;
