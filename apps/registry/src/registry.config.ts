import { z } from 'zod';
import { DEFAULT_GATEWAY_MQTT_USERNAME } from '@dock/contracts';
import {
  authEnv,
  commonEnv,
  consumerGuardEnv,
  databaseMigrations,
  djiLicenceEnv,
  infraEnv,
  kafkaSecurityEnv,
  nonNegativeInt,
  optionalUrl,
  port,
  positiveInt,
  refineKafkaSecurity,
  refuseUnsafeAuth,
  unsetWhenEmpty,
} from '@dock/platform';

const PILOT_MQTT_URL = /^(tcp|ws):\/\/[^\s/:?#@]+(:\d{1,5})?(\/[^\s?#]*)?$/;

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

    // The Pilot 2 access page (/pilot): what a remote controller is handed. Unset: the page's
    // bootstrap answers 503 naming what is missing; the REST API and the docks are unaffected.
    /** The Cloud API licence (the same Secret as the gateway's). */
    ...djiLicenceEnv,
    /**
     * The broker as the remote controller reaches it: tcp://host:port or ws://host:port[/path]
     * (Pilot's thing module takes nothing else; no TLS).
     */
    PILOT_MQTT_URL: unsetWhenEmpty(
      z
        .string()
        .optional()
        .refine(
          (value) => value === undefined || PILOT_MQTT_URL.test(value),
          'must be tcp://host:port or ws://host:port[/path] (what Pilot 2 connects with)',
        ),
    ),
    /**
     * Broker credentials handed to every remote controller until issue 15 gives each
     * organization its own; unset: empty (an anonymous broker).
     */
    PILOT_MQTT_USERNAME: unsetWhenEmpty(z.string().min(1).optional()),
    PILOT_MQTT_PASSWORD: unsetWhenEmpty(z.string().min(1).optional()),
    /** This system's HTTP API as the remote controller reaches it, e.g. https://cloud.example.com. */
    PUBLIC_API_URL: unsetWhenEmpty(optionalUrl(['http', 'https'])),

    // The broker's authentication and authorization (issue 15; deploy/README.md, EMQX).
    /**
     * The shared secret EMQX sends in the x-mqtt-hook-secret header to /mqtt/authenticate and
     * /mqtt/authorize. Unset: those endpoints deny everything (failing closed).
     */
    REGISTRY_MQTT_HOOK_SECRET: unsetWhenEmpty(z.string().min(16).optional()),
    /** How long the credentials and device bindings are cached for the broker's decisions. */
    REGISTRY_MQTT_ACCESS_CACHE_MS: positiveInt(2_000),
    /**
     * The gateway's service account (the gateway's MQTT_USERNAME / MQTT_PASSWORD): set, the
     * registry creates it at start or sets its password.
     */
    MQTT_SERVICE_ACCOUNT_USERNAME: unsetWhenEmpty(
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1..64 characters in [A-Za-z0-9_.-]')
        .default(DEFAULT_GATEWAY_MQTT_USERNAME),
    ),
    MQTT_SERVICE_ACCOUNT_PASSWORD: unsetWhenEmpty(z.string().min(16).optional()),
  })
  .superRefine((config, ctx) => {
    refuseUnsafeAuth(config, ctx);
    refineKafkaSecurity(config, ctx);
  });

export type RegistryConfig = z.infer<typeof registryConfigSchema>;
