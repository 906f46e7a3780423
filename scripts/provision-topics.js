// Creates the Kafka topics of the system ahead of the services (the Kubernetes topic Job and the
// docker-compose `kafka-topics` service run it), or raises their partition counts:
//
//   node scripts/provision-topics.js [--dry-run]
//
// The topics and default partition counts come from deploy/topics.json, a mirror of
// libs/contracts/src/topics.ts (a test keeps the two equal). Settings, all optional:
//
//   KAFKA_BROKERS             host:port list                       (127.0.0.1:9092)
//   KAFKA_CLIENT_ID           client id                            (dock-provision-topics)
//   TOPIC_PARTITIONS          per-topic overrides, "topic=count,..." (production raises them)
//   TOPIC_REPLICATION_FACTOR  replicas of each new topic; -1 = the broker's default  (-1)
//   TOPIC_CONFIG              configs of new topics, "key=value,..." (e.g. min.insync.replicas=2)
//   TOPICS_FILE               another topics file                  (deploy/topics.json)
//   PROVISION_TIMEOUT_MS      give up when Kafka does not answer    (120000)
//   KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_REJECT_UNAUTHORIZED, KAFKA_SASL_MECHANISM,
//   KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
//                             a secured cluster, as the services take them (README)
//
// Missing topics are created; an existing topic with fewer partitions than wanted gets more
// (records keyed by dock SN then move to other partitions, see deploy/README.md); partitions are
// never removed and a topic with more than wanted is left alone. Exit 0 when every topic has at
// least its partitions, 1 otherwise, 2 on a bad setting.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
require('../libs/kafka/src/kafkajs-request-queue-fix');

/** How long the partition check waits for the metadata to show new partitions: 20 x 500 ms. */
const METADATA_CHECKS = 20;
const METADATA_CHECK_INTERVAL_MS = 500;

class SettingError extends Error {}

function parsePairs(name, value, parseValue) {
  const pairs = {};
  for (const item of (value ?? '').split(',')) {
    if (!item.trim()) continue;
    const at = item.indexOf('=');
    const key = at > 0 ? item.slice(0, at).trim() : '';
    if (!key) throw new SettingError(`${name}: "${item.trim()}" is not key=value`);
    pairs[key] = parseValue(item.slice(at + 1).trim(), key);
  }
  return pairs;
}

const SASL_VARIABLES = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'];

function flag(name, text, fallback) {
  if (text === undefined || text === '') return fallback;
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw new SettingError(`${name}: "${text}" must be true or false`);
}

/**
 * kafkajs's ssl and sasl options from the same variables the services read (libs/platform's
 * kafkaSecurityEnv), with the same rules: SASL comes as a set, TLS options need KAFKA_SSL=true.
 * This script runs in the image without the TypeScript libraries, hence its own copy.
 */
function kafkaSecurity(env) {
  const ssl = flag('KAFKA_SSL', env.KAFKA_SSL, false);
  const rejectUnauthorized = flag(
    'KAFKA_SSL_REJECT_UNAUTHORIZED',
    env.KAFKA_SSL_REJECT_UNAUTHORIZED,
    true,
  );
  const caFile = env.KAFKA_SSL_CA_FILE || undefined;
  if (!ssl && (caFile !== undefined || !rejectUnauthorized)) {
    throw new SettingError(
      `${caFile !== undefined ? 'KAFKA_SSL_CA_FILE' : 'KAFKA_SSL_REJECT_UNAUTHORIZED'}: needs KAFKA_SSL=true`,
    );
  }
  const security = {};
  if (ssl) {
    security.ssl = { rejectUnauthorized };
    if (caFile !== undefined) {
      try {
        security.ssl.ca = [readFileSync(caFile, 'utf8')];
      } catch (error) {
        throw new SettingError(`KAFKA_SSL_CA_FILE: cannot read ${caFile} (${error.code || error})`);
      }
    }
  }
  const given = SASL_VARIABLES.filter((name) => env[name]);
  if (given.length > 0 && given.length < SASL_VARIABLES.length) {
    const missing = SASL_VARIABLES.filter((name) => !env[name]);
    throw new SettingError(`${missing.join(', ')}: required with ${given.join(' and ')}`);
  }
  if (given.length > 0) {
    const mechanism = env.KAFKA_SASL_MECHANISM.toLowerCase();
    if (!SASL_MECHANISMS.includes(mechanism)) {
      throw new SettingError(
        `KAFKA_SASL_MECHANISM: "${env.KAFKA_SASL_MECHANISM}" must be one of ${SASL_MECHANISMS.join(', ')}`,
      );
    }
    security.sasl = {
      mechanism,
      username: env.KAFKA_SASL_USERNAME,
      password: env.KAFKA_SASL_PASSWORD,
    };
  }
  return security;
}

function positiveInt(name) {
  return (text, key) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      throw new SettingError(
        `${name}: ${key ? `${key}=` : ''}"${text}" must be a whole number > 0`,
      );
    }
    return n;
  };
}

/** The plan: every topic with the partitions it should have, and the settings of new topics. */
function loadSettings(env = process.env) {
  const file = env.TOPICS_FILE || path.join(__dirname, '..', 'deploy', 'topics.json');
  const declared = JSON.parse(readFileSync(file, 'utf8')).topics;
  if (!declared || typeof declared !== 'object')
    throw new SettingError(`${file}: no "topics" object`);
  const overrides = parsePairs(
    'TOPIC_PARTITIONS',
    env.TOPIC_PARTITIONS,
    positiveInt('TOPIC_PARTITIONS'),
  );
  for (const topic of Object.keys(overrides)) {
    if (!(topic in declared)) throw new SettingError(`TOPIC_PARTITIONS: unknown topic "${topic}"`);
  }
  const topics = Object.entries(declared).map(([topic, partitions]) => ({
    topic,
    partitions: overrides[topic] ?? positiveInt(file)(String(partitions), topic),
  }));
  const rf = env.TOPIC_REPLICATION_FACTOR ?? '-1';
  const replicationFactor = Number(rf);
  if (!Number.isInteger(replicationFactor) || (replicationFactor < 1 && replicationFactor !== -1)) {
    throw new SettingError(`TOPIC_REPLICATION_FACTOR: "${rf}" must be -1 or a whole number > 0`);
  }
  const brokers = (env.KAFKA_BROKERS || '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (!brokers.length || !brokers.every((b) => /^[^\s:/]+:\d{1,5}$/.test(b))) {
    throw new SettingError('KAFKA_BROKERS: must be a comma-separated list of host:port');
  }
  const timeoutMs = positiveInt('PROVISION_TIMEOUT_MS')(env.PROVISION_TIMEOUT_MS ?? '120000');
  return {
    brokers,
    security: kafkaSecurity(env),
    clientId: env.KAFKA_CLIENT_ID || 'dock-provision-topics',
    topics,
    replicationFactor,
    configEntries: Object.entries(parsePairs('TOPIC_CONFIG', env.TOPIC_CONFIG, (v) => v)).map(
      ([name, value]) => ({ name, value }),
    ),
    timeoutMs,
  };
}

function log(message, fields = {}) {
  console.log(JSON.stringify({ time: new Date().toISOString(), msg: message, ...fields }));
}

async function provision(settings, { dryRun = false } = {}) {
  const kafka = new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...settings.security,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 10 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = settings.topics.filter((t) => !existing.has(t.topic));
    const present = settings.topics.filter((t) => existing.has(t.topic));
    const metadata = present.length
      ? (await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) })).topics
      : [];
    const counts = new Map(metadata.map((m) => [m.name, m.partitions.length]));
    const grow = present.filter((t) => counts.get(t.topic) < t.partitions);
    for (const t of present) {
      const has = counts.get(t.topic);
      if (has > t.partitions)
        log('topic has more partitions than asked; left alone', {
          topic: t.topic,
          has,
          asked: t.partitions,
        });
      else if (has === t.partitions) log('topic ok', { topic: t.topic, partitions: has });
    }
    for (const t of missing)
      log(dryRun ? 'would create topic' : 'creating topic', {
        topic: t.topic,
        partitions: t.partitions,
      });
    for (const t of grow) {
      log(dryRun ? 'would add partitions' : 'adding partitions', {
        topic: t.topic,
        from: counts.get(t.topic),
        to: t.partitions,
      });
    }
    if (dryRun) return { created: [], grown: [] };
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: settings.replicationFactor,
          configEntries: settings.configEntries,
        })),
      });
    }
    if (grow.length) {
      await admin.createPartitions({
        topicPartitions: grow.map((t) => ({ topic: t.topic, count: t.partitions })),
      });
    }
    // Check what the broker has now rather than trusting the calls above. New partitions reach
    // the metadata a moment after createPartitions returns (slower on a loaded broker): look
    // again for a bounded time before calling a topic short.
    let short = [];
    for (let attempt = 0; attempt < METADATA_CHECKS; attempt += 1) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, METADATA_CHECK_INTERVAL_MS));
      const after = await admin.fetchTopicMetadata({ topics: settings.topics.map((t) => t.topic) });
      short = after.topics.filter(
        (m) => m.partitions.length < settings.topics.find((t) => t.topic === m.name).partitions,
      );
      if (short.length === 0) break;
    }
    if (short.length)
      throw new Error(`topics still short of partitions: ${short.map((m) => m.name).join(', ')}`);
    return { created: missing.map((t) => t.topic), grown: grow.map((t) => t.topic) };
  } finally {
    await admin.disconnect();
  }
}

async function main(argv = process.argv.slice(2)) {
  let settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (!(error instanceof SettingError)) throw error;
    console.error(`provision-topics: ${error.message}`);
    process.exit(2);
  }
  const dryRun = argv.includes('--dry-run');
  const timer = setTimeout(() => {
    console.error(
      `provision-topics: Kafka did not answer within ${settings.timeoutMs} ms (${settings.brokers.join(',')})`,
    );
    process.exit(1);
  }, settings.timeoutMs);
  try {
    const result = await provision(settings, { dryRun });
    log('topics provisioned', { ...result, topics: settings.topics.length, dryRun });
  } catch (error) {
    console.error(`provision-topics: ${error.stack || error}`);
    process.exitCode = 1;
  } finally {
    clearTimeout(timer);
  }
}

module.exports = { loadSettings, provision, main, SettingError };

if (require.main === module) main();
