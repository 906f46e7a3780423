import { z } from 'zod';
import {
  authEnv,
  commonEnv,
  databaseMigrations,
  infraEnv,
  consumerGuardEnv,
  kafkaSecurityEnv,
  nonNegativeInt,
  port,
  positiveInt,
  refineKafkaSecurity,
  refuseUnsafeAuth,
  url,
} from '@dock/platform';
import {
  PROTOCOL_MAX_PREPARE_LEAD_MS,
  PROTOCOL_MIN_PREPARE_LEAD_MS,
  TimingSettings,
} from './domain/task-timing';
import type { MissionUseCaseSettings } from './application/mission-use-cases';

const MINUTE = 60_000;
/** The shortest in-flight silence limit: less would end flights over a brief loss of link. */
const MIN_IN_FLIGHT_SILENCE_MS = 10 * MINUTE;

/** Every setting of the mission service, validated at start. Defaults point at local services. */
export const missionConfigSchema = z
  .object({
    HTTP_PORT: port(3002),
    ...commonEnv,
    ...authEnv,
    DATABASE_URL: infraEnv.DATABASE_URL,
    /** The service's own PostgreSQL schema (created and migrated at start). */
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _')
      .default('mission'),
    /** run: migrate at start; skip: the migration Job did (checked at start). */
    DATABASE_MIGRATIONS: databaseMigrations(),
    KAFKA_BROKERS: infraEnv.KAFKA_BROKERS,
    KAFKA_CLIENT_ID: infraEnv.KAFKA_CLIENT_ID,
    ...kafkaSecurityEnv,
    ...consumerGuardEnv,
    /** Consumer groups are <prefix>.command-replies and <prefix>.uplink-events. */
    MISSION_KAFKA_GROUP_PREFIX: z.string().min(1).default('mission'),

    /** How long before execute_time a timed task is prepared (protocol: 2 min .. 24 h). */
    MISSION_PREPARE_LEAD_MS: positiveInt(10 * MINUTE).refine(
      (ms) => ms >= PROTOCOL_MIN_PREPARE_LEAD_MS && ms <= PROTOCOL_MAX_PREPARE_LEAD_MS,
      `must be between ${PROTOCOL_MIN_PREPARE_LEAD_MS} (2 min) and ${PROTOCOL_MAX_PREPARE_LEAD_MS} (24 h)`,
    ),
    /** How often the scheduler looks for due work (it is also woken by every change). */
    MISSION_SCHEDULER_INTERVAL_MS: positiveInt(250),
    /** How often the outbox is sent to Kafka (also woken by every change). */
    MISSION_RELAY_INTERVAL_MS: positiveInt(200),
    /** Docks planned per scheduler round at most. */
    MISSION_DOCKS_PER_ROUND: positiveInt(100),
    /** Dock transactions a scheduler round runs at once (capped below the database pool size). */
    MISSION_SCHEDULER_CONCURRENCY: positiveInt(2),
    /**
     * Partitions of dock.command-replies handled at once (each batch is one transaction; a
     * partition's batches stay in order). The runtime caps it at the database pool size − 2,
     * leaving connections for the API and the relay. 1: one partition after the other.
     */
    MISSION_PARTITIONS_CONCURRENTLY: positiveInt(3).refine((n) => n <= 16, 'must be at most 16'),
    /** How long an immediate task may wait for its dock before it fails. */
    MISSION_IMMEDIATE_WINDOW_MS: positiveInt(10 * MINUTE),
    /** How late after execute_time a timed task may still be executed. */
    MISSION_EXECUTE_GRACE_MS: positiveInt(5 * MINUTE),
    /** CommandRecord.timeoutMs: how long the gateway waits for services_reply. */
    MISSION_COMMAND_TIMEOUT_MS: positiveInt(30_000).refine(
      (ms) => ms <= 600_000,
      'must be at most 600000',
    ),
    /** Beyond the gateway's timeout, how long before a command without any reply is timed out here. */
    MISSION_REPLY_GRACE_MS: positiveInt(30_000),
    /**
     * A started task (executing, in progress, paused) with no word from its dock for longer than
     * this ends in `timeout`, so the dock's queue moves on. 2 h: a flight lasts up to about an
     * hour on one battery, so after twice that without a word the aircraft is down and the
     * dock's final report is not coming; a dock briefly offline that reports again is left
     * alone. Counted from the last word, so a long flight that keeps reporting is never cut.
     * 0: off.
     */
    MISSION_IN_FLIGHT_SILENCE_MS: nonNegativeInt(120 * MINUTE).refine(
      (ms) => ms === 0 || ms >= MIN_IN_FLIGHT_SILENCE_MS,
      `must be 0 (off) or at least ${MIN_IN_FLIGHT_SILENCE_MS} (10 min)`,
    ),
    MISSION_RETRY_INITIAL_MS: positiveInt(5_000),
    MISSION_RETRY_MAX_MS: positiveInt(60_000),
    /** Sends of one step (prepare or execute), the first included. */
    MISSION_RETRY_MAX_ATTEMPTS: positiveInt(5),
    /** How far ahead recurring plans have their tasks. */
    MISSION_PLAN_HORIZON_MS: positiveInt(24 * 60 * MINUTE),
    MISSION_PLAN_BATCH: positiveInt(200),

    FILE_SERVICE_URL: url('http://127.0.0.1:3004', ['http', 'https']),
    /** A token the file service accepts (one of its API_TOKENS). */
    FILE_SERVICE_TOKEN: z.string().min(1).optional(),
    FILE_SERVICE_TIMEOUT_MS: positiveInt(5_000),
  })
  .superRefine((config, ctx) => {
    refuseUnsafeAuth(config, ctx);
    refineKafkaSecurity(config, ctx);
    if (config.MISSION_RETRY_MAX_MS < config.MISSION_RETRY_INITIAL_MS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MISSION_RETRY_MAX_MS'],
        message: 'must not be less than MISSION_RETRY_INITIAL_MS',
      });
    }
  });

export type MissionConfig = z.infer<typeof missionConfigSchema>;

/** createPostgresDataSource's pool size when none is given. */
const DEFAULT_POOL_SIZE = 10;

/**
 * Reply partitions handled at once: the setting, but never more batches (one transaction each)
 * than the pool can serve beside the API and the outbox relay.
 */
export function partitionsConcurrently(
  config: MissionConfig,
  databasePoolSize: number = DEFAULT_POOL_SIZE,
): number {
  return Math.max(1, Math.min(config.MISSION_PARTITIONS_CONCURRENTLY, databasePoolSize - 2));
}

export function timingSettings(config: MissionConfig): TimingSettings {
  return {
    prepareLeadMs: config.MISSION_PREPARE_LEAD_MS,
    minPrepareLeadMs: PROTOCOL_MIN_PREPARE_LEAD_MS,
    immediateWindowMs: config.MISSION_IMMEDIATE_WINDOW_MS,
    executeGraceMs: config.MISSION_EXECUTE_GRACE_MS,
    replyDeadlineMs: config.MISSION_COMMAND_TIMEOUT_MS + config.MISSION_REPLY_GRACE_MS,
    inFlightSilenceMs:
      config.MISSION_IN_FLIGHT_SILENCE_MS === 0 ? null : config.MISSION_IN_FLIGHT_SILENCE_MS,
    retry: {
      initialMs: config.MISSION_RETRY_INITIAL_MS,
      maxMs: config.MISSION_RETRY_MAX_MS,
      maxAttempts: config.MISSION_RETRY_MAX_ATTEMPTS,
    },
  };
}

/**
 * Every setting the mission's use cases and store take, from the config in one place: the
 * module and the use-case tests build them alike.
 */
export function missionUseCaseSettings(
  config: MissionConfig,
  options: { databasePoolSize?: number } = {},
): MissionUseCaseSettings {
  const timing = timingSettings(config);
  return {
    timing,
    generation: { horizonMs: config.MISSION_PLAN_HORIZON_MS, batch: config.MISSION_PLAN_BATCH },
    scheduler: {
      timing,
      docksPerRound: config.MISSION_DOCKS_PER_ROUND,
      // Leave connections for the API and the consumers (the embedded pool is small).
      concurrency: Math.min(
        config.MISSION_SCHEDULER_CONCURRENCY,
        Math.max(1, (options.databasePoolSize ?? DEFAULT_POOL_SIZE) - 2),
      ),
    },
    commandTimeoutMs: config.MISSION_COMMAND_TIMEOUT_MS,
    requester: config.SERVICE_NAME ?? 'mission',
  };
}
