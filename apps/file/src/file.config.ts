import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import {
  authEnv,
  booleanFlag,
  commonEnv,
  databaseMigrations,
  infraEnv,
  consumerGuardEnv,
  kafkaSecurityEnv,
  nonNegativeInt,
  optionalUrl,
  port,
  positiveInt,
  refineKafkaSecurity,
  refuseUnsafeAuth,
} from '@dock/platform';

const MIB = 1024 * 1024;

/** Every setting of the file service, validated at start. Defaults point at local services. */
export const fileConfigSchema = z
  .object({
    HTTP_PORT: port(3004),
    ...commonEnv,
    ...authEnv,
    DATABASE_URL: infraEnv.DATABASE_URL,
    /** The service's own PostgreSQL schema (created and migrated at start). */
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _')
      .default('file'),
    /** run: migrate at start; skip: the migration Job did (checked at start). */
    DATABASE_MIGRATIONS: databaseMigrations(),
    KAFKA_BROKERS: infraEnv.KAFKA_BROKERS,
    KAFKA_CLIENT_ID: infraEnv.KAFKA_CLIENT_ID,
    ...kafkaSecurityEnv,
    ...consumerGuardEnv,
    /** Consumer groups are <prefix>.resource-requests and <prefix>.task-events. */
    FILE_KAFKA_GROUP_PREFIX: z.string().min(1).default('file'),

    FILE_STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
    FILE_STORAGE_DIR: z.string().min(1).default('./.data/files'),
    /** Each instance stages uploads in a directory of its own under this one, removed at stop. */
    FILE_UPLOAD_TMP_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'dock-file-uploads')),
    /** Opening and reading one uploaded KMZ; past it the upload is refused (422). */
    FILE_KMZ_INSPECT_TIMEOUT_MS: positiveInt(30_000),
    FILE_MAX_UPLOAD_BYTES: positiveInt(50 * MIB),
    FILE_KMZ_MAX_ENTRIES: positiveInt(1_000),
    FILE_KMZ_MAX_UNCOMPRESSED_BYTES: positiveInt(200 * MIB),
    FILE_KMZ_MAX_COMPRESSION_RATIO: positiveInt(100),

    /**
     * Required: a key in the source would let anyone forge download links. Replicas share it.
     * The embedded mode (apps/standalone) generates one and keeps it in DATA_DIR.
     */
    FILE_URL_SIGNING_KEY: z
      .string({
        required_error: 'is required: a random secret of 32+ characters, shared by every replica',
      })
      .min(32, 'must be at least 32 characters'),
    FILE_URL_TTL_SECONDS: positiveInt(3_600).refine(
      (seconds) => seconds <= 604_800,
      'must be at most 604800 (7 days, the longest an S3 presigned URL lives)',
    ),
    /** The base URL docks reach this service at; differs from the internal address. */
    FILE_PUBLIC_BASE_URL: optionalUrl(['http', 'https']),
    /** With the s3 driver: hand docks presigned S3 URLs (true) or this service's signed URLs. */
    FILE_S3_DIRECT_DOWNLOADS: booleanFlag(true),
    /** flighttask_resource_get older than this is not answered (the dock stopped waiting). 0: never. */
    FILE_REQUEST_MAX_AGE_MS: nonNegativeInt(60_000),
    /** How long a flight binding no task event confirmed keeps its wayline from being deleted. */
    FILE_UNCONFIRMED_BINDING_HOLD_SECONDS: nonNegativeInt(86_400),

    S3_BUCKET: z.string().min(1).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ENDPOINT: optionalUrl(['http', 'https']),
    S3_PUBLIC_ENDPOINT: optionalUrl(['http', 'https']),
    S3_FORCE_PATH_STYLE: booleanFlag(false),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_KEY_PREFIX: z.string().default(''),
  })
  .superRefine((config, ctx) => {
    refuseUnsafeAuth(config, ctx);
    refineKafkaSecurity(config, ctx);
    const production = config.NODE_ENV === 'production';
    if (production && !config.FILE_PUBLIC_BASE_URL) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['FILE_PUBLIC_BASE_URL'],
        message: 'is required when NODE_ENV=production (the address docks download from)',
      });
    }
    if (config.FILE_STORAGE_DRIVER === 's3' && !config.S3_BUCKET) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['S3_BUCKET'],
        message: 'is required when FILE_STORAGE_DRIVER=s3',
      });
    }
    if (Boolean(config.S3_ACCESS_KEY_ID) !== Boolean(config.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [config.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'],
        message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together',
      });
    }
  })
  .transform((config) => ({
    ...config,
    FILE_PUBLIC_BASE_URL: config.FILE_PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.HTTP_PORT}`,
  }));

export type FileConfig = z.infer<typeof fileConfigSchema>;
