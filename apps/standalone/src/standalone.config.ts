import path from 'node:path';
import { z } from 'zod';
import {
  booleanFlag,
  logLevel,
  nonNegativeInt,
  optionalUrl,
  port,
  positiveInt,
} from '@dock/platform';
import { isTileUrl } from './console/console-site';

const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

/**
 * The embedded mode's own settings. Every other variable goes to the services as usual
 * (each validates its own); the infrastructure variables below choose the real adapters.
 */
export const standaloneConfigSchema = z
  .object({
    /** The HTTP API of all four services, their OpenAPI page and the health checks. */
    HTTP_PORT: port(3000).optional(),
    /** Set: /metrics on this port only (404 on HTTP_PORT), for a deployment the public reaches. */
    METRICS_PORT: port(9464).optional(),
    /** Where docks connect (the embedded MQTT broker). */
    MQTT_PORT: port(1883).optional(),
    /**
     * The largest MQTT packet the embedded broker takes (bytes, header included); a client
     * sending a larger one is disconnected. Dock messages are a few KiB.
     */
    MQTT_MAX_PACKET_BYTES: positiveInt(1024 * 1024).pipe(
      z.number().max(268_435_460, 'must be at most 268435460 (the MQTT maximum)'),
    ),
    /** Where docks upload media (the embedded S3-compatible endpoint), unless MEDIA_STORAGE_ENDPOINT is set. */
    MEDIA_S3_PORT: port(9000).optional(),
    /** Where the embedded parts keep their data (PostgreSQL, the bus log, the KMZ files). */
    DATA_DIR: z.string().min(1).default('./.data/embedded'),
    /** How long the in-process bus keeps records nobody needs any more (hours). */
    BUS_RETENTION_HOURS: positiveInt(24),
    /** At most this many records are kept per partition of the in-process bus. */
    BUS_MAX_RECORDS_PER_PARTITION: positiveInt(100_000),
    /** Quieter than the services' default: the banner says what matters. */
    LOG_LEVEL: logLevel().default('warn'),
    SHUTDOWN_TIMEOUT_MS: positiveInt(15_000),
    /** Set: the real adapter for that part. Unset: the embedded stand-in. */
    KAFKA_BROKERS: z.string().min(1).optional(),
    REDIS_URL: optionalUrl(['redis', 'rediss']),
    DATABASE_URL: optionalUrl(['postgres', 'postgresql']),
    MQTT_URL: optionalUrl(['mqtt', 'mqtts', 'ws', 'wss', 'tcp']),
    /**
     * API tokens (`<organization id>:<token>,...`, as every service reads them). Unset: the
     * default organization's token generated in DATA_DIR/api-tokens.json on the first start.
     */
    API_TOKENS: z.string().optional(),
    /** Admin tokens (organization management). Unset: the one generated in DATA_DIR. */
    ADMIN_API_TOKENS: z.string().optional(),
    /** How long a stop waits for the embedded parts after the services stopped. */
    EMBEDDED_CLOSE_TIMEOUT_MS: nonNegativeInt(10_000),
    /** Map tiles for the operator console (an XYZ URL with {z}, {x}, {y}); unset: tiles off. */
    CONSOLE_TILE_URL: z.preprocess(
      unsetWhenEmpty,
      z.string().refine(isTileUrl, 'must be an http(s) tile URL with {z}, {x} and {y}').optional(),
    ),
    /** The console's built bundle (index.html + assets/); default: dist/console of the checkout. */
    CONSOLE_DIR: z.preprocess(unsetWhenEmpty, z.string().optional()),
    /**
     * true: the embedded broker lets clients without credentials in, with every right (the
     * behaviour before issue 15). Refused unless NODE_ENV=development is set explicitly.
     */
    MQTT_ALLOW_ANONYMOUS: booleanFlag(false),
    /** As the environment has it (no default here: the development switch needs it explicit). */
    NODE_ENV: z.preprocess(unsetWhenEmpty, z.string().optional()),
  })
  .superRefine((config, ctx) => {
    if (config.MQTT_ALLOW_ANONYMOUS && config.NODE_ENV !== 'development') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MQTT_ALLOW_ANONYMOUS'],
        message: 'anonymous MQTT is for development only: set NODE_ENV=development explicitly too',
      });
    }
  });

export type StandaloneConfig = z.infer<typeof standaloneConfigSchema>;

/** Which parts run embedded (true) and which use the real infrastructure at their URL. */
export interface EmbeddedParts {
  readonly bus: boolean;
  readonly pendingStore: boolean;
  readonly database: boolean;
  readonly mqtt: boolean;
}

export function embeddedParts(config: StandaloneConfig): EmbeddedParts {
  return {
    bus: config.KAFKA_BROKERS === undefined,
    pendingStore: config.REDIS_URL === undefined,
    database: config.DATABASE_URL === undefined,
    mqtt: config.MQTT_URL === undefined,
  };
}

export function dataPaths(config: StandaloneConfig): {
  root: string;
  postgres: string;
  bus: string;
  files: string;
  media: string;
} {
  const root = path.resolve(config.DATA_DIR);
  return {
    root,
    postgres: path.join(root, 'postgres'),
    bus: path.join(root, 'bus'),
    files: path.join(root, 'files'),
    media: path.join(root, 'media'),
  };
}
