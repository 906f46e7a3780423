import { z } from 'zod';
import {
  authEnv,
  commonEnv,
  consumerGuardEnv,
  databaseMigrations,
  infraEnv,
  kafkaSecurityEnv,
  optionalUrl,
  port,
  positiveInt,
  refineKafkaSecurity,
  refuseUnsafeAuth,
  unsetWhenEmpty,
} from '@dock/platform';
import { STORAGE_PROVIDERS } from '@dock/protocol';

const MINUTE = 60_000;

/**
 * An optional setting whose empty value means unset, as deployments write them: docker compose's
 * ${VAR:-} for a value the operator did not give, an empty line in a ConfigMap.
 */
const optionalUrlSetting = () => unsetWhenEmpty(optionalUrl(['http', 'https']));
const optionalKey = () => unsetWhenEmpty(z.string().min(1).optional());

/** Every setting of the media service, validated at start. Defaults point at local services. */
export const mediaConfigSchema = z
  .object({
    HTTP_PORT: port(3007),
    ...commonEnv,
    ...authEnv,
    DATABASE_URL: infraEnv.DATABASE_URL,
    DATABASE_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _')
      .default('media'),
    DATABASE_MIGRATIONS: databaseMigrations(),
    KAFKA_BROKERS: infraEnv.KAFKA_BROKERS,
    KAFKA_CLIENT_ID: infraEnv.KAFKA_CLIENT_ID,
    ...kafkaSecurityEnv,
    ...consumerGuardEnv,
    /** Consumer groups are <prefix>.requests, <prefix>.events and <prefix>.tasks. */
    MEDIA_KAFKA_GROUP_PREFIX: z.string().min(1).default('media'),

    /** What docks are told the store is (the spec's provider): aws, minio or ali. */
    MEDIA_STORAGE_PROVIDER: z.enum(STORAGE_PROVIDERS).default('minio'),
    /** The S3 API the service itself uses (HEAD, downloads); unset: AWS S3 of the region. */
    MEDIA_STORAGE_ENDPOINT: optionalUrlSetting(),
    /** The endpoint docks upload to; default MEDIA_STORAGE_ENDPOINT. */
    MEDIA_STORAGE_PUBLIC_ENDPOINT: optionalUrlSetting(),
    MEDIA_STORAGE_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
      .default('dock-media'),
    MEDIA_STORAGE_REGION: z.string().min(1).max(64).default('us-east-1'),
    /** Prepended to every object key, e.g. "media/" (empty: keys start with the organization). */
    MEDIA_OBJECT_KEY_ROOT: z
      .string()
      .regex(
        /^([A-Za-z0-9_.-]+\/)*$/,
        'must be empty or end with "/" (segments of A-Z a-z 0-9 _ . -)',
      )
      .default(''),
    /** The service's own key (reads, STS calls); unset: the SDK's default chain (env, IRSA, role). */
    MEDIA_STORAGE_ACCESS_KEY_ID: optionalKey(),
    MEDIA_STORAGE_SECRET_ACCESS_KEY: optionalKey(),

    /** sts: AssumeRole with a session policy per request; static: the key below, as it is. */
    MEDIA_UPLOAD_CREDENTIALS: z.enum(['sts', 'static']).default('sts'),
    /** sts: the role to assume (AWS requires one; MinIO ignores it). */
    MEDIA_STS_ROLE_ARN: unsetWhenEmpty(
      z.string().min(1).default('arn:aws:iam::000000000000:role/dock-media-upload'),
    ),
    /** sts: the STS endpoint; default the storage endpoint (MinIO), else AWS STS. */
    MEDIA_STS_ENDPOINT: optionalUrlSetting(),
    /** static: a key the operator restricted to PutObject under MEDIA_OBJECT_KEY_ROOT. */
    MEDIA_UPLOAD_ACCESS_KEY_ID: optionalKey(),
    MEDIA_UPLOAD_SECRET_ACCESS_KEY: optionalKey(),
    /** Lifetime of upload credentials, seconds (STS allows 900..43200). */
    MEDIA_UPLOAD_CREDENTIAL_TTL_SECONDS: positiveInt(3600).refine(
      (s) => s >= 900 && s <= 43_200,
      'must be 900..43200',
    ),

    /** Download links: the shared signer's key (32+ random characters, the same on every replica). */
    MEDIA_URL_SIGNING_KEY: z
      .string({
        required_error: 'is required: a random secret of 32+ characters, shared by every replica',
      })
      .min(32, 'must be at least 32 characters'),
    /** The address users reach this service at (download links); default http://127.0.0.1:HTTP_PORT. */
    MEDIA_PUBLIC_BASE_URL: optionalUrlSetting(),
    MEDIA_DOWNLOAD_TTL_SECONDS: positiveInt(3600).refine(
      (s) => s <= 604_800,
      'must be at most 604800',
    ),
    /** A flight with fewer files than expected turns incomplete this long after it ended or its last file. */
    MEDIA_INCOMPLETE_AFTER_MS: positiveInt(30 * MINUTE),
    MEDIA_SWEEP_INTERVAL_MS: positiveInt(10_000),
    MEDIA_RELAY_INTERVAL_MS: positiveInt(200),
  })
  .superRefine((config, ctx) => {
    refuseUnsafeAuth(config, ctx);
    refineKafkaSecurity(config, ctx);
    const pair = (a: keyof typeof config, b: keyof typeof config) => {
      if ((config[a] === undefined) !== (config[b] === undefined)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [b], message: `set together with ${a}` });
      }
    };
    pair('MEDIA_STORAGE_ACCESS_KEY_ID', 'MEDIA_STORAGE_SECRET_ACCESS_KEY');
    pair('MEDIA_UPLOAD_ACCESS_KEY_ID', 'MEDIA_UPLOAD_SECRET_ACCESS_KEY');
    if (config.MEDIA_UPLOAD_CREDENTIALS === 'static' && !config.MEDIA_UPLOAD_ACCESS_KEY_ID) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MEDIA_UPLOAD_ACCESS_KEY_ID'],
        message: 'is required when MEDIA_UPLOAD_CREDENTIALS=static',
      });
    }
    if (config.MEDIA_UPLOAD_CREDENTIALS === 'sts' && config.MEDIA_STORAGE_PROVIDER === 'ali') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MEDIA_UPLOAD_CREDENTIALS'],
        message: 'Alibaba OSS takes static credentials here (its STS is not the AWS API)',
      });
    }
    if (
      !config.MEDIA_STORAGE_PUBLIC_ENDPOINT &&
      !config.MEDIA_STORAGE_ENDPOINT &&
      config.MEDIA_STORAGE_PROVIDER !== 'aws'
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MEDIA_STORAGE_ENDPOINT'],
        message: `is required for provider ${config.MEDIA_STORAGE_PROVIDER}`,
      });
    }
  })
  .transform((config) => ({
    ...config,
    MEDIA_PUBLIC_BASE_URL: config.MEDIA_PUBLIC_BASE_URL ?? `http://127.0.0.1:${config.HTTP_PORT}`,
  }));

export type MediaConfig = z.infer<typeof mediaConfigSchema>;
