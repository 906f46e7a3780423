import { randomBytes } from 'node:crypto';

const kafkaBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((broker) => broker.trim())
  .filter(Boolean);
const [kafkaHost, kafkaPort] = kafkaBrokers[0].split(':');
const kafkaSaslBrokers: string[] = [
  `${kafkaHost}:${process.env.KAFKA_SASL_PORT ?? Number(kafkaPort) + 2}`,
];

/**
 * Where the integration and e2e tests find the real services. Same variables and defaults as
 * scripts/infra.js (which starts them), so overriding one env var moves both.
 */
export const infraSettings = {
  /** KAFKA_BROKERS: comma-separated host:port list. */
  kafkaBrokers,
  /**
   * The same broker's SASL_PLAINTEXT listener (KAFKA_SASL_PORT, default the broker's port + 2)
   * and its test-only users, as scripts/infra.js configures them (KAFKA_TEST_USERS there).
   */
  kafkaSasl: {
    brokers: kafkaSaslBrokers,
    plain: { mechanism: 'plain', username: 'dock-plain', password: 'dock-plain-secret' },
    scram: { mechanism: 'scram-sha-256', username: 'dock-scram', password: 'dock-scram-secret' },
  },
  /** REDIS_URL */
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  /** DATABASE_URL: user postgres (trust auth on loopback), database test. */
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  /** MQTT_URL: Mosquitto 2, MQTT 5. */
  mqttUrl: process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883',
} as const;

/**
 * A name no other run (or concurrent worker, or other checkout on the same machine) uses:
 * `<prefix>-<time>-<random>`, safe for Kafka topics/groups, Redis keys, MQTT topics and SQL
 * identifiers (lower case, [a-z0-9_-]; use `uniqueName(prefix, '_')` for SQL).
 */
export function uniqueName(prefix: string, separator: '-' | '_' = '-'): string {
  return [prefix, Date.now().toString(36), randomBytes(4).toString('hex')].join(separator);
}
