import { z } from 'zod';
import { apiTokenProblem, OrganizationToken, parseOrganizationToken } from '../http/api-tokens';

/**
 * Reusable environment fields. Each app composes its own schema from these, so names and
 * defaults stay identical across apps and default to the local services.
 */
export const port = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be 0..65535')
    .max(65535, 'must be 0..65535')
    .default(fallback);

export const positiveInt = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be a whole number')
    .positive('must be greater than 0')
    .default(fallback);

export const url = (fallback: string, protocols: readonly string[]) =>
  z
    .string()
    .default(fallback)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    );

/** Comma-separated host:port list, e.g. "kafka-0:9092,kafka-1:9092". */
export const brokerList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .refine(
      (brokers) => brokers.length > 0 && brokers.every((b) => /^[^\s:/]+:\d{1,5}$/.test(b)),
      'must be a comma-separated list of host:port',
    );

export const logLevel = () =>
  z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const commonEnv = {
  SERVICE_NAME: z.string().min(1).optional(),
  LOG_LEVEL: logLevel(),
  /** How long SIGTERM waits for in-flight work before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(15_000),
  /** Set: /metrics on this port only (not published), 404 on HTTP_PORT. Unset: on HTTP_PORT. */
  METRICS_PORT: z.coerce
    .number({ invalid_type_error: 'must be a port number' })
    .int('must be a port number')
    .min(1, 'must be 1..65535')
    .max(65_535, 'must be 1..65535')
    .optional(),
};

/** "true"/"false" (also "1"/"0", "yes"/"no"); anything else is refused rather than guessed. */
export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], {
      errorMap: () => ({ message: 'must be true or false' }),
    })
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes'].includes(value)));

/**
 * TLS and SASL towards Kafka, for managed and operator-run clusters (MSK, Confluent, Strimzi).
 * Unset: PLAINTEXT, as the local broker. Schemas that spread these also call
 * refineKafkaSecurity (kafka-security.ts), which checks that they fit together.
 */
export const kafkaSecurityEnv = {
  KAFKA_SSL: booleanFlag(false),
  /** A PEM file of the CA that signed the brokers' certificates; default: Node's trust store. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  KAFKA_SSL_REJECT_UNAUTHORIZED: booleanFlag(true),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  /** A secret: comes from a Kubernetes Secret, redacted in logs (REDACTED_PATHS). */
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

/**
 * run: the service migrates its schema at start (local and embedded runs). skip: a migration
 * Job did it first (Kubernetes), so the service role needs no DDL rights and replicas never
 * queue on the migration lock; the service then only checks that nothing is missing.
 */
export const databaseMigrations = () => z.enum(['run', 'skip']).default('run');

export const infraEnv = {
  KAFKA_BROKERS: brokerList('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  ...kafkaSecurityEnv,
  REDIS_URL: url('redis://127.0.0.1:6379', ['redis', 'rediss']),
  DATABASE_URL: url('postgres://postgres@127.0.0.1:5432/postgres', ['postgres', 'postgresql']),
  DATABASE_MIGRATIONS: databaseMigrations(),
  MQTT_URL: url('mqtt://127.0.0.1:1883', ['mqtt', 'mqtts', 'ws', 'wss', 'tcp']),
};

/** A whole number that may be 0 (e.g. a count or a grace period that can be switched off). */
export const nonNegativeInt = (fallback: number) =>
  z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .default(fallback);

/** Comma-separated list of non-empty strings (blanks around items ignored); empty by default. */
export const commaList = () =>
  z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );

/** An optional URL with one of the given protocols; unset means "not configured". */
export const optionalUrl = (protocols: readonly string[]) =>
  z
    .string()
    .optional()
    .refine(
      (value) => {
        if (value === undefined) return true;
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    );

/**
 * The deployment kind: production refuses development conveniences (see authEnv). Unset is
 * not "development": a switch that turns security off needs NODE_ENV=development said out loud.
 */
export const nodeEnv = () => z.enum(['development', 'test', 'production']).optional();

/** API_TOKENS: comma-separated `<organization id>:<token>` entries (see libs/platform/src/http). */
export const organizationTokenList = () =>
  commaList().transform((entries, ctx): OrganizationToken[] => {
    const parsed: OrganizationToken[] = [];
    entries.forEach((entry, index) => {
      const result = parseOrganizationToken(entry);
      if (result.ok) parsed.push(result.value);
      else
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `entry ${index + 1}: ${result.problem}`,
        });
    });
    return parsed;
  });

/** ADMIN_API_TOKENS: comma-separated tokens of the admin role. */
export const adminTokenList = () =>
  commaList().transform((tokens, ctx) => {
    tokens.forEach((token, index) => {
      const problem = apiTokenProblem(token);
      if (problem)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `entry ${index + 1}: ${problem}` });
    });
    return tokens;
  });

/**
 * Bearer-token authentication of the REST APIs (see libs/platform/src/http/README.md).
 * API_TOKENS: `<organization id>:<token>,...`, each token acting in its one organization.
 * ADMIN_API_TOKENS: `<token>,...`, organization management (and acting in an organization a
 * request names). With none of either, every protected route answers 401. AUTH_DISABLED=true
 * lets every request through: refused unless NODE_ENV=development is set explicitly (see
 * refuseUnsafeAuth).
 */
export const authEnv = {
  NODE_ENV: nodeEnv(),
  API_TOKENS: organizationTokenList(),
  ADMIN_API_TOKENS: adminTokenList(),
  AUTH_DISABLED: booleanFlag(false),
};

/**
 * A schema refinement of every app with authEnv: AUTH_DISABLED=true without an explicit
 * NODE_ENV=development is a configuration error, and a token is one principal's only (the same
 * token twice, for two organizations or as an organization's and an admin token, is refused).
 */
export function refuseUnsafeAuth(
  config: {
    NODE_ENV?: string;
    AUTH_DISABLED: boolean;
    API_TOKENS: readonly OrganizationToken[];
    ADMIN_API_TOKENS: readonly string[];
  },
  ctx: z.RefinementCtx,
): void {
  if (config.AUTH_DISABLED && config.NODE_ENV !== 'development') {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['AUTH_DISABLED'],
      message:
        'may be true only when NODE_ENV=development is set explicitly (it lets every request in)',
    });
  }
  const seen = new Set<string>();
  for (const token of [
    ...config.API_TOKENS.map((entry) => entry.token),
    ...config.ADMIN_API_TOKENS,
  ]) {
    if (seen.has(token)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['API_TOKENS'],
        message:
          'a token is given twice (in API_TOKENS or ADMIN_API_TOKENS): each token belongs to one organization or is an admin token',
      });
      return;
    }
    seen.add(token);
  }
}

/**
 * How every Kafka consumer of a service treats a record that fails (libs/kafka GuardedBus):
 * attempts of a lone failing record before it goes to the service's dead-letter topic, the
 * first pause between them (doubling), and how long a partition may wait behind one offset
 * before readiness reports it.
 */
export const consumerGuardEnv = {
  CONSUMER_MAX_ATTEMPTS: positiveInt(3),
  CONSUMER_RETRY_BACKOFF_MS: positiveInt(100),
  CONSUMER_STUCK_AFTER_MS: positiveInt(60_000),
};
