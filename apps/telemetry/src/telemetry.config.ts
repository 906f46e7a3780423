import { z } from 'zod';
import {
  authEnv,
  commonEnv,
  consumerGuardEnv,
  infraEnv,
  port,
  positiveInt,
  refuseUnsafeAuth,
} from '@dock/platform';

/** Every setting of the telemetry service, validated at start. Defaults point at local services. */
export const telemetryConfigSchema = z
  .object({
    HTTP_PORT: port(3003),
    ...commonEnv,
    ...authEnv,
    DATABASE_URL: infraEnv.DATABASE_URL,
    /** The service's own PostgreSQL schema (created and migrated at start). */
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _')
      .default('telemetry'),
    DATABASE_POOL_SIZE: positiveInt(10),
    KAFKA_BROKERS: infraEnv.KAFKA_BROKERS,
    KAFKA_CLIENT_ID: infraEnv.KAFKA_CLIENT_ID,
    ...consumerGuardEnv,
    /**
     * The consumer group that stores telemetry; replicas share it and split the partitions.
     * Each replica's live stream reads in a group of its own: "<group>.live.<host>.<id>".
     */
    TELEMETRY_CONSUMER_GROUP: z.string().min(1).max(200).default('telemetry'),
    /**
     * Partitions the storing consumer handles at once (each one transaction at a time, in
     * order). One at a time keeps ~4,000 progress events/s on a 2-core machine; 6 to 12 reach
     * 10,000 (docs/performance.md). Keep it at most DATABASE_POOL_SIZE.
     */
    TELEMETRY_PARTITIONS_CONCURRENTLY: positiveInt(6).refine((n) => n <= 64, 'must be at most 64'),
    /** Raw history received longer ago than this is deleted (fractions allowed: 0.5 = 12 h). */
    TELEMETRY_RETENTION_DAYS: z.coerce
      .number({ invalid_type_error: 'must be a number' })
      .positive('must be greater than 0')
      .max(36_500, 'must be at most 36500 (100 years)')
      .default(30),
    /** How often a retention pass runs (one replica at a time). */
    TELEMETRY_RETENTION_INTERVAL_MS: positiveInt(600_000),
    /** Rows per DELETE statement: small steps keep intake unblocked. */
    TELEMETRY_RETENTION_BATCH_ROWS: positiveInt(5_000),
    /** Heartbeat of idle live-stream connections, so proxies keep them open. */
    TELEMETRY_SSE_HEARTBEAT_MS: positiveInt(15_000),
    /** The `retry:` hint of the live stream: how long an EventSource waits to reconnect. */
    TELEMETRY_SSE_RETRY_MS: positiveInt(5_000).refine(
      (n) => n <= 300_000,
      'must be at most 300000 (5 minutes)',
    ),
    /**
     * Bytes of live updates that may wait in memory for one SSE client that reads slower than
     * they come (beyond what the kernel's socket buffer holds). Past it the client gets an
     * `overflow` event and is disconnected; the others are not affected. Bytes rather than
     * events: updates range from ~200 bytes (topology) to tens of kB (an RTH path), and bytes
     * are what a pod's memory is sized in. Worst case: this times the open streams.
     */
    TELEMETRY_SSE_MAX_BUFFERED_BYTES: positiveInt(1_048_576).refine(
      (n) => n >= 65_536,
      'must be at least 65536 (64 KiB): a few of the largest updates',
    ),
    /** Live streams open at once, all clients together; more are answered 429. */
    TELEMETRY_STREAM_MAX_CONNECTIONS: positiveInt(200),
    /** Live streams one API token (or the tickets it signed) may hold open; more: 429. */
    TELEMETRY_STREAM_MAX_PER_TOKEN: positiveInt(20),
    /** How long a stream ticket (POST /stream/tickets) opens the live stream. */
    TELEMETRY_STREAM_TICKET_TTL_MS: positiveInt(60_000).refine(
      (n) => n >= 5_000 && n <= 600_000,
      'must be 5000..600000 (5 s to 10 minutes): tickets travel in URLs',
    ),
  })
  .superRefine(refuseUnsafeAuth);

export type TelemetryConfig = z.infer<typeof telemetryConfigSchema>;
