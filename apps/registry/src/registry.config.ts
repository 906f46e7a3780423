import { z } from 'zod';
import {
  authEnv,
  commonEnv,
  consumerGuardEnv,
  databaseMigrations,
  infraEnv,
  kafkaSecurityEnv,
  nonNegativeInt,
  port,
  positiveInt,
  refineKafkaSecurity,
  refuseAuthDisabledInProduction,
} from '@dock/platform';

/** Every setting of the registry service, validated at start. Defaults point at local services. */
export const registryConfigSchema = z
  .object({
    HTTP_PORT: port(3005),
    ...commonEnv,
    ...authEnv,
    DATABASE_URL: infraEnv.DATABASE_URL,
    /** The service's own PostgreSQL schema (created and migrated at start). */
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _')
      .default('registry'),
    /** run: migrate at start; skip: the migration Job did (checked at start). */
    DATABASE_MIGRATIONS: databaseMigrations(),
    KAFKA_BROKERS: infraEnv.KAFKA_BROKERS,
    KAFKA_CLIENT_ID: infraEnv.KAFKA_CLIENT_ID,
    ...kafkaSecurityEnv,
    ...consumerGuardEnv,
    /** Consumer groups are <prefix>.binding-requests and <prefix>.device-uplink. */
    REGISTRY_KAFKA_GROUP_PREFIX: z.string().min(1).default('registry'),
    /** A dock silent for this long is offline (its aircraft with it). */
    REGISTRY_DOCK_OFFLINE_AFTER_MS: positiveInt(60_000),
    /** How often each replica looks for silent docks. */
    REGISTRY_SWEEP_INTERVAL_MS: positiveInt(5_000),
    /** How often the outbox goes to registry.device-events when nothing kicks it. */
    REGISTRY_RELAY_INTERVAL_MS: positiveInt(1_000),
    /** Binding requests older than this are not answered (the dock stopped waiting). 0: never. */
    REGISTRY_REQUEST_MAX_AGE_MS: nonNegativeInt(60_000),
  })
  .superRefine((config, ctx) => {
    refuseAuthDisabledInProduction(config, ctx);
    refineKafkaSecurity(config, ctx);
  });

export type RegistryConfig = z.infer<typeof registryConfigSchema>;
