import { hostname } from 'node:os';
import { z } from 'zod';
import {
  booleanFlag,
  commonEnv,
  infraEnv,
  consumerGuardEnv,
  djiLicenceEnv,
  kafkaSecurityEnv,
  mqttTlsEnv,
  port,
  positiveInt,
  refineKafkaSecurity,
  refineMqttTls,
  unsetWhenEmpty,
} from '@dock/platform';

const INSTANCE_ID = /^[A-Za-z0-9_.-]{1,48}$/;

/** Stable across restarts: a StatefulSet pod name (the hostname) keeps its MQTT sessions. */
const instanceId = z
  .string()
  .optional()
  .transform((value) => value ?? hostname())
  .refine((value) => INSTANCE_ID.test(value), 'must be 1..48 characters in [A-Za-z0-9_.-]');

const optionalSecret = z.string().min(1).optional();

const gatewaySettings = z.object({
  HTTP_PORT: port(3001),
  ...commonEnv,
  MQTT_URL: infraEnv.MQTT_URL,
  KAFKA_BROKERS: infraEnv.KAFKA_BROKERS,
  KAFKA_CLIENT_ID: infraEnv.KAFKA_CLIENT_ID,
  ...kafkaSecurityEnv,
  ...consumerGuardEnv,
  REDIS_URL: infraEnv.REDIS_URL,

  /** Names this replica's MQTT sessions (`{id}-{i}`) and its claims in Redis. */
  GATEWAY_INSTANCE_ID: instanceId,
  /** The MQTT shared-subscription group every replica joins. */
  GATEWAY_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1..64 characters in [A-Za-z0-9_.-]')
    .default('dock-gateway'),
  /**
   * Subscriber connections per replica. Each keeps a window of GATEWAY_MQTT_RECEIVE_MAXIMUM
   * unacknowledged messages (mqtt:// and mqtts:// URLs), so a few carry a replica's load; over
   * ws:// and wss:// (MQTT.js, one message at a time) throughput grows with this (docs/gateway.md).
   */
  GATEWAY_MQTT_CONNECTIONS: positiveInt(4).refine((n) => n <= 512, 'must be at most 512'),
  /**
   * MQTT 5 Receive Maximum of each subscriber connection: QoS 1 messages the broker may have
   * in flight to it, handled together and acknowledged in order once Kafka has them.
   */
  GATEWAY_MQTT_RECEIVE_MAXIMUM: positiveInt(256).refine(
    (n) => n <= 65_535,
    'must be at most 65535 (MQTT 5 Receive Maximum)',
  ),
  /** false for brokers without `$share` (MQTT 3.1.1, aedes): one plain subscriber connection. */
  MQTT_SHARED_SUBSCRIPTIONS: booleanFlag(true),
  MQTT_PROTOCOL_VERSION: z
    .enum(['4', '5'])
    .default('5')
    .transform(Number)
    .pipe(z.union([z.literal(4), z.literal(5)])),
  /**
   * after-kafka: PUBACK only once Kafka acknowledged the record (no loss; needs MQTT 5 here).
   * on-receipt: the client acknowledges at once (brokers where holding acks is not possible).
   */
  GATEWAY_ACK_MODE: z.enum(['after-kafka', 'on-receipt']).default('after-kafka'),
  MQTT_USERNAME: optionalSecret,
  MQTT_PASSWORD: optionalSecret,
  /** TLS for an mqtts:// (or wss://) MQTT_URL: CA, client certificate (libs/platform mqtt-tls). */
  ...mqttTlsEnv,
  /** How long the broker keeps a disconnected replica's sessions (and queued messages). */
  MQTT_SESSION_EXPIRY_S: positiveInt(3_600),
  MQTT_KEEPALIVE_S: positiveInt(30),

  /** Default wait for a services_reply (a command record may ask for another). */
  GATEWAY_COMMAND_TIMEOUT_MS: positiveInt(30_000),
  /** Wait for the answering service before the dock is told its request failed (314013). */
  GATEWAY_REQUEST_TIMEOUT_MS: positiveInt(10_000),
  /** How often each replica looks for passed deadlines. */
  GATEWAY_SWEEP_INTERVAL_MS: positiveInt(500),
  /** A claim not completed within this is taken over (its holder died). */
  GATEWAY_CLAIM_LEASE_MS: positiveInt(30_000),
  /** Prefix of every Redis key of the gateway. */
  GATEWAY_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1..64 characters in [A-Za-z0-9_.:-]')
    .default('dock-gateway'),

  KAFKA_LINGER_MS: positiveInt(2),
  /**
   * Records per Kafka request at most (KAFKA_MAX_BATCH_BYTES bounds it too). The windows of all
   * connections (4 × 256) are written together, so it stays above their sum.
   */
  KAFKA_MAX_BATCH_RECORDS: positiveInt(2_000),
  KAFKA_MAX_BATCH_BYTES: positiveInt(768 * 1024),
  GATEWAY_COMMANDS_GROUP_ID: z.string().min(1).default('dock-gateway-commands'),
  GATEWAY_REQUEST_REPLIES_GROUP_ID: z.string().min(1).default('dock-gateway-request-replies'),
  /** Where a consumer group without committed offsets starts. */
  KAFKA_CONSUMER_START: z.enum(['earliest', 'latest']).default('earliest'),
  /** Create missing topics at start (development); production creates them ahead. */
  GATEWAY_CREATE_TOPICS: booleanFlag(true),

  /**
   * The Cloud API licence a dock checks in the `config` reply (libs/platform djiLicenceEnv).
   * Unset: the gateway still answers config (with empty fields) and warns once at start, since
   * real docks then drop their connection (docs/gateway.md, "Dock licence").
   */
  ...djiLicenceEnv,
  /** The NTP server docks sync with (config reply); unset: not sent, docks keep their clock. */
  NTP_SERVER_HOST: unsetWhenEmpty(z.string().min(1).max(253).optional()),
  NTP_SERVER_PORT: port(123).refine((n) => n > 0, 'must be 1..65535'),

  /** Larger dock payloads are refused (dead letter, reason oversized). */
  MAX_PAYLOAD_BYTES: positiveInt(256 * 1024).refine(
    (n) => n <= 512 * 1024,
    'must be at most 524288 (a record must fit one Kafka request)',
  ),
  /** Raw bytes of refused input kept in a dead-letter record (the rest is cut, flagged). */
  DEAD_LETTER_MAX_RAW_BYTES: positiveInt(256 * 1024).refine(
    (n) => n <= 512 * 1024,
    'must be at most 524288',
  ),
});

/** Every setting of the gateway service, validated at start. Defaults point at local services. */
export const gatewayConfigSchema = gatewaySettings.superRefine((config, ctx) => {
  refineKafkaSecurity(config, ctx);
  refineMqttTls(config, ctx);
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
