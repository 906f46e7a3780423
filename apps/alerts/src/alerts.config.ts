import { z } from 'zod';
import {
  authEnv,
  booleanFlag,
  commonEnv,
  consumerGuardEnv,
  databaseMigrations,
  infraEnv,
  kafkaSecurityEnv,
  port,
  positiveInt,
  refineKafkaSecurity,
  refuseUnsafeAuth,
} from '@dock/platform';

const MINUTE = 60_000;

/** Every setting of the alerts service, validated at start. Defaults point at local services. */
export const alertsConfigSchema = z
  .object({
    HTTP_PORT: port(3006),
    ...commonEnv,
    ...authEnv,
    DATABASE_URL: infraEnv.DATABASE_URL,
    /** The service's own PostgreSQL schema (created and migrated at start). */
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _')
      .default('alerts'),
    /** run: migrate at start; skip: the migration Job did (checked at start). */
    DATABASE_MIGRATIONS: databaseMigrations(),
    KAFKA_BROKERS: infraEnv.KAFKA_BROKERS,
    KAFKA_CLIENT_ID: infraEnv.KAFKA_CLIENT_ID,
    ...kafkaSecurityEnv,
    ...consumerGuardEnv,
    /** Consumer groups are <prefix>.hms and <prefix>.webhooks. */
    ALERTS_KAFKA_GROUP_PREFIX: z.string().min(1).default('alerts'),

    /** DJI's hms.json (code -> message text); none is bundled. Unset: alerts show code and args. */
    ALERTS_HMS_MESSAGES_FILE: z.string().min(1).optional(),
    /** The language taken from the message table (falls back to en). */
    ALERTS_HMS_LANGUAGE: z.string().min(2).max(10).default('en'),
    /** How often the outbox (alerts.hms) is sent to Kafka (also woken by every change). */
    ALERTS_RELAY_INTERVAL_MS: positiveInt(200),

    /** flight.progress webhooks: at most one per flight per this interval (status changes pass). */
    ALERTS_WEBHOOK_PROGRESS_INTERVAL_MS: positiveInt(10_000),
    /** Whole delivery request (DNS, connect, response). */
    ALERTS_WEBHOOK_TIMEOUT_MS: positiveInt(10_000).refine(
      (ms) => ms <= 60_000,
      'must be at most 60000',
    ),
    /** Deliveries in flight per replica, and per subscription per replica. */
    ALERTS_WEBHOOK_CONCURRENCY: positiveInt(32),
    ALERTS_WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION: positiveInt(4),
    /** How often due deliveries are looked for (also woken by new ones). */
    ALERTS_WEBHOOK_DISPATCH_INTERVAL_MS: positiveInt(250),
    /** Retry backoff: first delay, cap, and how long a delivery is retried before dead-letter. */
    ALERTS_WEBHOOK_RETRY_INITIAL_MS: positiveInt(5_000),
    ALERTS_WEBHOOK_RETRY_MAX_MS: positiveInt(10 * MINUTE),
    ALERTS_WEBHOOK_RETRY_WINDOW_MS: positiveInt(24 * 60 * MINUTE),
    /** Allow webhook URLs resolving to loopback, private, link-local addresses (SSRF guard off). */
    ALERTS_WEBHOOK_ALLOW_PRIVATE: booleanFlag(false),
  })
  .superRefine((config, ctx) => {
    refuseUnsafeAuth(config, ctx);
    refineKafkaSecurity(config, ctx);
    if (config.ALERTS_WEBHOOK_RETRY_MAX_MS < config.ALERTS_WEBHOOK_RETRY_INITIAL_MS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ALERTS_WEBHOOK_RETRY_MAX_MS'],
        message: 'must not be less than ALERTS_WEBHOOK_RETRY_INITIAL_MS',
      });
    }
    if (config.ALERTS_WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION > config.ALERTS_WEBHOOK_CONCURRENCY) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ALERTS_WEBHOOK_CONCURRENCY_PER_SUBSCRIPTION'],
        message: 'must not be more than ALERTS_WEBHOOK_CONCURRENCY',
      });
    }
  });

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
