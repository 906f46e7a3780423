#!/usr/bin/env node
// Local infrastructure for development and tests: PostgreSQL, Redis, Mosquitto (MQTT 5), Kafka.
//
//   node scripts/infra.js up [service...]      start what is missing, wait until everything answers
//   node scripts/infra.js down [service...]    stop what this script started (Kafka, and any
//                                              system service it had to start); data is kept
//   node scripts/infra.js status [service...]  print whether each service answers (exit 1 if not)
//
// Services: postgres, redis, mosquitto, kafka. Plain CommonJS on purpose: it runs before any build.
//
// PostgreSQL, Redis and Mosquitto are the machine's own services: they are only started (with the
// machine's usual commands) when they do not answer, and only stopped by `down` if `up` started them.
// Kafka is brought by the project: the broker jars come from Maven Central (infra/kafka/pom.xml) into
// a per-user cache, and a single-node KRaft broker runs from .infra/kafka (gitignored).
// `up` restarts a broker it started when the configuration it would write now differs from the one
// the broker runs with (an edited template, another port, or a broker from before the SASL
// listener): data is kept, never reformatted; SCRAM users missing from an older data directory are
// added over the admin API after the start.
//
// Environment (all optional):
//   DATABASE_URL   postgres://postgres@127.0.0.1:5432/test
//   REDIS_URL      redis://127.0.0.1:6379
//   MQTT_URL       mqtt://127.0.0.1:1883
//   KAFKA_BROKERS  127.0.0.1:9092  (a non-local or multi-broker list is only waited for, never started)
//   KAFKA_CONTROLLER_PORT  broker port + 1 (9093)
//   KAFKA_SASL_PORT        broker port + 2 (9094): a SASL_PLAINTEXT listener (PLAIN and SCRAM-SHA-256
//                          test users, see KAFKA_TEST_USERS) for the Kafka security tests
//   KAFKA_HEAP_OPTS        -Xms128m -Xmx512m
//   KAFKA_JVM_OPTS         extra JVM flags for the broker
//   KAFKA_VERSION          override <kafka.version> of infra/kafka/pom.xml
//   KAFKA_START_TIMEOUT_MS 90000
//   KAFKA_CDS=0            do not use/create the class-data-sharing archive that halves JVM startup
//   DOCK_FLEET_CACHE_DIR   ${XDG_CACHE_HOME:-~/.cache}/dock-fleet-cloud (Kafka jars, CDS archive)
//   INFRA_STATE_DIR        <repo>/.infra (Kafka data, config, log, pid files)
//   INFRA_WAIT_TIMEOUT_MS  30000 (PostgreSQL, Redis, Mosquitto after a restart)
'use strict';

const { spawn, execFile } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { URL } = require('node:url');
const { setTimeout: sleep } = require('node:timers/promises');

const ROOT = path.resolve(__dirname, '..');
const env = process.env;

const settings = {
  databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
  mqttUrl: env.MQTT_URL || 'mqtt://127.0.0.1:1883',
  kafkaBrokers: (env.KAFKA_BROKERS || '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean),
  waitTimeoutMs: Number(env.INFRA_WAIT_TIMEOUT_MS || 30000),
  kafkaStartTimeoutMs: Number(env.KAFKA_START_TIMEOUT_MS || 90000),
};

/**
 * Users of the SASL listener. Test-only credentials on loopback, mirrored by
 * test/support/infra-settings.ts: PLAIN ones are in server.properties, SCRAM ones in the metadata.
 */
const KAFKA_TEST_USERS = {
  plain: { mechanism: 'plain', username: 'dock-plain', password: 'dock-plain-secret' },
  scram: { mechanism: 'scram-sha-256', username: 'dock-scram', password: 'dock-scram-secret' },
};

const stateDir = path.resolve(env.INFRA_STATE_DIR || path.join(ROOT, '.infra'));
const servicesStateFile = path.join(stateDir, 'services.json');
const cacheRoot = path.resolve(
  env.DOCK_FLEET_CACHE_DIR ||
    path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dock-fleet-cloud'),
);

const kafkaDir = path.join(stateDir, 'kafka');
const kafkaFiles = {
  dir: kafkaDir,
  data: path.join(kafkaDir, 'data'),
  config: path.join(kafkaDir, 'server.properties'),
  log4j: path.join(kafkaDir, 'log4j.properties'),
  log: path.join(kafkaDir, 'kafka.log'),
  pid: path.join(kafkaDir, 'kafka.pid'),
  clusterId: path.join(kafkaDir, 'cluster-id'),
  lock: path.join(kafkaDir, 'start.lock'),
  pom: path.join(ROOT, 'infra', 'kafka', 'pom.xml'),
  template: path.join(ROOT, 'infra', 'kafka', 'server.properties.template'),
  log4jTemplate: path.join(ROOT, 'infra', 'kafka', 'log4j.properties'),
};

// ---------------------------------------------------------------------------------------------
// Small helpers

const LABEL_WIDTH = 10;
function say(name, message) {
  console.log(`  ${name.padEnd(LABEL_WIDTH)}${message}`);
}

class InfraError extends Error {}

function isLocalHost(host) {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

function parseHostPort(hostPort, defaultPort) {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(hostPort);
  if (!m) throw new InfraError(`cannot parse host:port "${hostPort}"`);
  return { host: m[1], port: Number(m[2] || defaultPort) };
}

function urlHostPort(url, defaultPort) {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || defaultPort) };
}

function secondsSince(t0) {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

function errMessage(err) {
  if (!err) return 'unknown error';
  if (err instanceof AggregateError && err.errors && err.errors.length) {
    return errMessage(err.errors[0]);
  }
  return err.message || err.code || String(err);
}

async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it resolves; throws the last error after `timeoutMs`. */
async function waitFor(probe, { timeoutMs, intervalMs = 250, stop }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      lastError = err;
    }
    if (stop) {
      const reason = stop();
      if (reason) throw new InfraError(`${reason} (last error: ${errMessage(lastError)})`);
    }
    if (Date.now() >= deadline) throw lastError;
    await sleep(intervalMs);
  }
}

/** Resolves true if something accepts TCP connections on host:port. */
function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024, ...options }, (err, stdout, stderr) => {
      if (err) {
        const output = `${stdout || ''}${stderr || ''}`.trim();
        const detail = err.code === 'ENOENT' ? `command not found: ${cmd}` : errMessage(err);
        reject(
          new InfraError(
            `${detail}${output ? `\n${output.split('\n').slice(-30).join('\n')}` : ''}`,
          ),
        );
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

function processAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) counts as gone.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

function processCmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** True while `pid` is alive and still the process we recorded (pids get reused). */
function ownProcessAlive(pid, cmdlineMarker) {
  if (!processAlive(pid)) return false;
  const cmdline = processCmdline(pid);
  return !cmdline || cmdline.includes(cmdlineMarker);
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves true if it exited cleanly. */
async function stopPid(pid, { graceMs = 30000 } = {}) {
  if (!processAlive(pid)) return true;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await sleep(100);
  if (!processAlive(pid)) return true;
  process.kill(pid, 'SIGKILL');
  while (processAlive(pid)) await sleep(100);
  return false;
}

function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

function recordStarted(name, info) {
  const state = readJson(servicesStateFile, {});
  state[name] = { ...info, startedAt: new Date().toISOString() };
  writeJson(servicesStateFile, state);
}

function forgetStarted(name) {
  const state = readJson(servicesStateFile, {});
  delete state[name];
  writeJson(servicesStateFile, state);
}

function tailFile(file, lines = 25) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Starts a long-running command detached from us (own session, output to a file). */
function spawnDetached(cmd, args, logFile, options = {}) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      detached: true,
      stdio: ['ignore', out, out],
      ...options,
    });
    fs.closeSync(out);
    child.once('error', (err) =>
      reject(new InfraError(err.code === 'ENOENT' ? `command not found: ${cmd}` : errMessage(err))),
    );
    child.once('spawn', () => {
      child.unref();
      resolve(child);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Probes: a real protocol round trip, not just an open port.

async function probePostgres() {
  const { Client } = require('pg');
  const client = new Client({
    connectionString: settings.databaseUrl,
    connectionTimeoutMillis: 2000,
    query_timeout: 2000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}

async function probeRedis() {
  const Redis = require('ioredis');
  const redis = new Redis(settings.redisUrl, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let connectError;
  redis.on('error', (err) => {
    connectError = connectError || err;
  });
  try {
    await redis.connect().catch((err) => {
      throw connectError || err;
    });
    const pong = await withTimeout(redis.ping(), 2000, 'redis PING');
    if (pong !== 'PONG') throw new Error(`unexpected PING reply ${pong}`);
  } finally {
    redis.disconnect();
  }
}

async function probeMqtt() {
  const mqtt = require('mqtt');
  const client = mqtt.connect(settings.mqttUrl, {
    protocolVersion: 5,
    clientId: `infra-probe-${process.pid}-${crypto.randomBytes(3).toString('hex')}`,
    connectTimeout: 2000,
    reconnectPeriod: 0,
    clean: true,
  });
  try {
    await withTimeout(
      new Promise((resolve, reject) => {
        client.once('connect', resolve);
        client.once('error', reject);
        client.once('close', () => reject(new Error('connection closed')));
      }),
      3000,
      'MQTT CONNECT',
    );
  } finally {
    client.end(true);
  }
}

/** Kafka answers: metadata round trip, and the group coordinator works (creates __consumer_offsets). */
async function probeKafka({ brokers = settings.kafkaBrokers, groupCoordinator = true } = {}) {
  const { Kafka, logLevel, Partitioners } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'infra-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: groupCoordinator ? 8 : 0, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (groupCoordinator) {
      // On a fresh broker this creates __consumer_offsets, and the producer id request loads the
      // transaction coordinator: done here once, instead of as retries in the first test.
      await admin.describeGroups(['infra-probe']);
      const producer = kafka.producer({
        idempotent: true,
        retry: { retries: 8, initialRetryTime: 100 },
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await producer.connect();
      } finally {
        await producer.disconnect().catch(() => {});
      }
    }
    return cluster;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// System services: PostgreSQL, Redis, Mosquitto

function postgresCluster() {
  let versions = [];
  try {
    versions = fs.readdirSync('/etc/postgresql').filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {
    // no Debian-style cluster layout
  }
  if (!versions.length) throw new InfraError('no PostgreSQL cluster under /etc/postgresql');
  return versions.sort((a, b) => Number(a) - Number(b)).pop();
}

const systemServices = [
  {
    name: 'postgres',
    target: () => redact(settings.databaseUrl),
    hostPort: () => urlHostPort(settings.databaseUrl, 5432),
    probe: probePostgres,
    // The machine's cluster listens on 5432; another port is somebody else's server.
    startable: () => urlHostPort(settings.databaseUrl, 5432).port === 5432,
    async start() {
      const version = postgresCluster();
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
      return { how: 'pg_ctlcluster', version };
    },
    async stop(info) {
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', info.version, 'main', 'stop']);
    },
  },
  {
    name: 'redis',
    target: () => redact(settings.redisUrl),
    hostPort: () => urlHostPort(settings.redisUrl, 6379),
    probe: probeRedis,
    startable: () => true,
    async start() {
      const { port } = urlHostPort(settings.redisUrl, 6379);
      // The machine's usual command, minus --daemonize, so that we know the pid.
      const child = await spawnDetached(
        'redis-server',
        [
          '--daemonize',
          'no',
          '--bind',
          '127.0.0.1',
          '-::1',
          '--port',
          String(port),
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          '/var/lib/redis',
          '--logfile',
          '/var/log/redis/ci.log',
        ],
        path.join(stateDir, 'redis.out'),
      );
      return { how: 'redis-server', pid: child.pid };
    },
    async stop(info) {
      if (ownProcessAlive(info.pid, 'redis-server')) await stopPid(info.pid);
    },
  },
  {
    name: 'mosquitto',
    target: () => redact(settings.mqttUrl),
    hostPort: () => urlHostPort(settings.mqttUrl, 1883),
    probe: probeMqtt,
    // /etc/mosquitto/mosquitto.conf listens on 1883.
    startable: () => urlHostPort(settings.mqttUrl, 1883).port === 1883,
    async start() {
      // The machine's usual command, minus -d, so that we know the pid.
      const child = await spawnDetached(
        'mosquitto',
        ['-c', '/etc/mosquitto/mosquitto.conf'],
        path.join(stateDir, 'mosquitto.out'),
      );
      return { how: 'mosquitto', pid: child.pid };
    },
    async stop(info) {
      if (ownProcessAlive(info.pid, 'mosquitto')) await stopPid(info.pid);
    },
  },
];

async function upSystemService(svc) {
  const t0 = Date.now();
  try {
    await svc.probe();
    say(svc.name, `ok       ${svc.target()}`);
    return;
  } catch (err) {
    const { host } = svc.hostPort();
    if (!isLocalHost(host) || !svc.startable()) {
      say(svc.name, `waiting  ${svc.target()} (${errMessage(err)})`);
      await waitFor(svc.probe, { timeoutMs: settings.waitTimeoutMs });
      say(svc.name, `ok       ${svc.target()} (${secondsSince(t0)})`);
      return;
    }
    say(svc.name, `starting (${errMessage(err)})`);
  }
  let info;
  try {
    info = await svc.start();
  } catch (err) {
    // Someone else may have started it meanwhile: only fail if it still does not answer.
    try {
      await svc.probe();
      say(svc.name, `ok       ${svc.target()} (started elsewhere)`);
      return;
    } catch {
      throw new InfraError(`${svc.name}: could not start: ${errMessage(err)}`);
    }
  }
  recordStarted(svc.name, info);
  try {
    await waitFor(svc.probe, { timeoutMs: settings.waitTimeoutMs });
  } catch (err) {
    throw new InfraError(
      `${svc.name}: started but ${svc.target()} does not answer after ${settings.waitTimeoutMs} ms: ${errMessage(err)}`,
    );
  }
  say(svc.name, `ok       ${svc.target()} (started, ${secondsSince(t0)})`);
}

async function downSystemService(svc) {
  const info = readJson(servicesStateFile, {})[svc.name];
  if (!info) {
    say(svc.name, 'left alone (not started by infra up)');
    return;
  }
  await svc.stop(info);
  forgetStarted(svc.name);
  say(svc.name, 'stopped (infra up had started it)');
}

// ---------------------------------------------------------------------------------------------
// Kafka

function kafkaTarget() {
  const brokers = settings.kafkaBrokers;
  const local = brokers.length === 1 && isLocalHost(parseHostPort(brokers[0], 9092).host);
  const broker = parseHostPort(brokers[0], 9092);
  const controllerPort = Number(env.KAFKA_CONTROLLER_PORT || broker.port + 1);
  const saslPort = Number(env.KAFKA_SASL_PORT || broker.port + 2);
  return { brokers, local, broker, controllerPort, saslPort };
}

function kafkaVersion() {
  if (env.KAFKA_VERSION) return env.KAFKA_VERSION;
  const pom = fs.readFileSync(kafkaFiles.pom, 'utf8');
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!m) throw new InfraError(`no <kafka.version> in ${kafkaFiles.pom}`);
  return m[1].trim();
}

function kafkaCache() {
  const version = kafkaVersion();
  const dir = path.join(cacheRoot, `kafka-${version}`);
  const pomHash = crypto
    .createHash('sha256')
    .update(fs.readFileSync(kafkaFiles.pom))
    .update(version)
    .digest('hex')
    .slice(0, 16);
  return { version, dir, libs: path.join(dir, 'libs'), marker: path.join(dir, 'libs.ok'), pomHash };
}

function readPidFile() {
  const state = readJson(kafkaFiles.pid, null);
  if (state && typeof state === 'object') return state;
  // tolerate a bare pid
  try {
    const pid = Number(fs.readFileSync(kafkaFiles.pid, 'utf8').trim());
    return pid ? { pid } : null;
  } catch {
    return null;
  }
}

const KAFKA_MAIN = 'kafka.Kafka';

function kafkaOwnPid() {
  const state = readPidFile();
  if (state && ownProcessAlive(state.pid, KAFKA_MAIN)) return state;
  return null;
}

/** Broker jars from Maven Central into the per-user cache (once per Kafka version / pom change). */
async function ensureKafkaJars() {
  const cache = kafkaCache();
  const fresh = () => {
    try {
      return fs.readFileSync(cache.marker, 'utf8').trim() === cache.pomHash;
    } catch {
      return false;
    }
  };
  if (fresh()) return cache;

  const t0 = Date.now();
  say('kafka', `fetching Kafka ${cache.version} jars with Maven -> ${cache.libs}`);
  fs.mkdirSync(cache.dir, { recursive: true });
  const tmp = path.join(cache.dir, `libs.tmp-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  const mvn = env.MVN || 'mvn';
  const args = [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    kafkaFiles.pom,
    `-Dkafka.version=${cache.version}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${tmp}`,
  ];
  try {
    await run(mvn, args, {
      cwd: path.dirname(kafkaFiles.pom),
      env: { ...env, MAVEN_OPTS: env.MAVEN_OPTS || '-Xmx512m' },
    });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new InfraError(
      `kafka: Maven could not fetch the broker jars (${mvn} ${args.join(' ')}): ${errMessage(err)}`,
    );
  }
  // Make it appear atomically: a concurrent `infra up` from another checkout may be doing the same.
  if (fresh()) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return cache;
  }
  const old = path.join(cache.dir, `libs.old-${process.pid}`);
  if (fs.existsSync(cache.libs)) fs.renameSync(cache.libs, old);
  fs.renameSync(tmp, cache.libs);
  fs.rmSync(old, { recursive: true, force: true });
  fs.writeFileSync(cache.marker, `${cache.pomHash}\n`);
  say('kafka', `fetched ${fs.readdirSync(cache.libs).length} jars (${secondsSince(t0)})`);
  return cache;
}

function javaCommand() {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

function kafkaClasspath(cache) {
  const jars = fs
    .readdirSync(cache.libs)
    .filter((f) => f.endsWith('.jar'))
    .sort()
    .map((f) => path.join(cache.libs, f));
  if (!jars.some((j) => path.basename(j).startsWith('kafka_2.13-'))) {
    throw new InfraError(
      `kafka: no kafka_2.13 jar in ${cache.libs}; delete ${cache.dir} and retry`,
    );
  }
  return jars.join(path.delimiter);
}

/**
 * Class-data-sharing archive: a JVM that exits with -XX:ArchiveClassesAtExit writes the classes it
 * loaded; later starts map it instead of parsing ~10k classes (broker start ~2.3 s -> ~1.1 s).
 * It is written when the broker stops (`infra down`), keyed on the JVM and the classpath.
 */
function kafkaCds(cache, classpath) {
  if (env.KAFKA_CDS === '0') return null;
  // Identify the JVM build: an archive from another JDK is useless (the JVM would ignore it).
  let jvmId = javaCommand();
  const candidates = jvmId.includes(path.sep)
    ? [jvmId]
    : (env.PATH || '').split(path.delimiter).map((dir) => path.join(dir, jvmId));
  for (const candidate of candidates) {
    try {
      const real = fs.realpathSync(candidate);
      jvmId = `${real}:${fs.statSync(real).mtimeMs}`;
      const libjvm = path.join(path.dirname(path.dirname(real)), 'lib', 'server', 'libjvm.so');
      if (fs.existsSync(libjvm)) jvmId += `:${fs.statSync(libjvm).mtimeMs}`;
      break;
    } catch {
      // not this one
    }
  }
  const key = crypto
    .createHash('sha256')
    .update(jvmId)
    .update(classpath)
    .digest('hex')
    .slice(0, 12);
  const archive = path.join(cache.dir, `kafka-${key}.jsa`);
  return { archive, exists: fs.existsSync(archive) };
}

async function ensureKafkaStorage(javaArgsBase) {
  if (fs.existsSync(path.join(kafkaFiles.data, 'meta.properties'))) return;
  let clusterId;
  try {
    clusterId = fs.readFileSync(kafkaFiles.clusterId, 'utf8').trim();
  } catch {
    // Kafka's Uuid text form: 16 random bytes, base64url without padding (never starting with '-').
    do clusterId = crypto.randomBytes(16).toString('base64url');
    while (clusterId.startsWith('-'));
    fs.writeFileSync(kafkaFiles.clusterId, `${clusterId}\n`);
  }
  say(
    'kafka',
    `formatting storage ${path.relative(ROOT, kafkaFiles.data)} (cluster id ${clusterId})`,
  );
  fs.mkdirSync(kafkaFiles.data, { recursive: true });
  await run(javaCommand(), [
    ...javaArgsBase,
    'kafka.tools.StorageTool',
    'format',
    '--ignore-formatted',
    '-t',
    clusterId,
    '-c',
    kafkaFiles.config,
    // KRaft keeps SCRAM credentials in the metadata log: a new data directory gets them here.
    '--add-scram',
    `SCRAM-SHA-256=[name=${KAFKA_TEST_USERS.scram.username},password=${KAFKA_TEST_USERS.scram.password}]`,
  ]).catch((err) => {
    throw new InfraError(`kafka: formatting storage failed: ${errMessage(err)}`);
  });
}

/** server.properties as `up` would write it now (the template with this run's values). */
function kafkaConfigText(target) {
  const values = {
    BROKER_HOST:
      target.broker.host === 'localhost'
        ? '127.0.0.1'
        : target.broker.host.includes(':')
          ? `[${target.broker.host}]`
          : target.broker.host,
    BROKER_PORT: target.broker.port,
    CONTROLLER_HOST: '127.0.0.1',
    CONTROLLER_PORT: target.controllerPort,
    SASL_PORT: target.saslPort,
    SASL_PLAIN_USERNAME: KAFKA_TEST_USERS.plain.username,
    SASL_PLAIN_PASSWORD: KAFKA_TEST_USERS.plain.password,
    LOG_DIRS: kafkaFiles.data,
  };
  return fs
    .readFileSync(kafkaFiles.template, 'utf8')
    .split('\n')
    .map((line) =>
      line.trimStart().startsWith('#')
        ? line
        : line.replace(/\{\{(\w+)\}\}/g, (match, key) => {
            if (!(key in values)) {
              throw new InfraError(`kafka: unknown placeholder ${match} in ${kafkaFiles.template}`);
            }
            return String(values[key]);
          }),
    )
    .join('\n');
}

function hashText(text) {
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function renderKafkaConfig(target) {
  fs.mkdirSync(kafkaFiles.dir, { recursive: true });
  fs.writeFileSync(kafkaFiles.config, kafkaConfigText(target));
  fs.writeFileSync(kafkaFiles.log4j, fs.readFileSync(kafkaFiles.log4jTemplate, 'utf8'));
}

/** One `infra up` at a time per checkout gets to start Kafka. */
async function withKafkaLock(fn) {
  fs.mkdirSync(kafkaFiles.dir, { recursive: true });
  const deadline = Date.now() + settings.kafkaStartTimeoutMs + 60000;
  for (;;) {
    try {
      fs.writeFileSync(kafkaFiles.lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(kafkaFiles.lock, 'utf8').trim() || 0);
      if (!processAlive(holder)) {
        fs.rmSync(kafkaFiles.lock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new InfraError(`kafka: ${kafkaFiles.lock} held by pid ${holder}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(kafkaFiles.lock, { force: true });
  }
}

/** The JVM arguments every Kafka program of ours shares (broker, storage tool, config tool). */
async function kafkaJava() {
  const cache = await ensureKafkaJars();
  const classpath = kafkaClasspath(cache);
  const common = [
    '-Xshare:auto',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${kafkaFiles.log4j}`,
    `-Dkafka.logs.dir=${kafkaFiles.dir}`,
    '-cp',
    classpath,
  ];
  return { cache, classpath, common };
}

async function upKafka() {
  const t0 = Date.now();
  const target = kafkaTarget();
  const where = target.brokers.join(',');

  if (!target.local) {
    try {
      await probeKafka();
    } catch (err) {
      say('kafka', `waiting  ${where} (not local: not starting anything; ${errMessage(err)})`);
      await waitFor(() => probeKafka(), {
        timeoutMs: settings.kafkaStartTimeoutMs,
        intervalMs: 500,
      }).catch((e) => {
        throw new InfraError(`kafka: ${where} does not answer: ${errMessage(e)}`);
      });
    }
    say('kafka', `ok       ${where} (${secondsSince(t0)})`);
    return;
  }

  await withKafkaLock(async () => {
    const configHash = hashText(kafkaConfigText(target));
    let own = kafkaOwnPid();
    if (own && own.configHash !== configHash) {
      // The broker reads server.properties only at start. Data is kept: nothing here needs a
      // reformat (SCRAM users an older data directory lacks are added after the start).
      const why = own.configHash
        ? 'the configuration changed'
        : 'it predates the SASL listener (no configuration hash recorded)';
      say('kafka', `restarting pid ${own.pid}: ${why}; data kept`);
      await stopKafkaProcess(own);
      own = null;
    }
    // Already answering (ours, or another checkout's / a manually started broker: reuse it).
    if (await tcpOpen(target.broker.host, target.broker.port)) {
      try {
        const cluster = await probeKafka();
        const whose = own ? `pid ${own.pid}` : 'not started by this checkout, reusing it';
        say('kafka', `ok       ${where} (cluster ${cluster.clusterId}, ${whose})`);
        await checkKafkaSasl(target, own);
        return;
      } catch (err) {
        if (err instanceof InfraError) throw err;
        if (!own) {
          // Maybe a broker that is still starting up (e.g. from another checkout): give it a moment.
          say(
            'kafka',
            `waiting  ${where} is open but does not answer as Kafka yet (${errMessage(err)})`,
          );
          await waitFor(() => probeKafka(), { timeoutMs: 20000, intervalMs: 500 }).catch((e) => {
            throw new InfraError(
              `kafka: port ${target.broker.port} is held by something that does not answer as Kafka ` +
                `(${errMessage(e)}). Free the port or set KAFKA_BROKERS.`,
            );
          });
          say(
            'kafka',
            `ok       ${where} (not started by this checkout, reusing it, ${secondsSince(t0)})`,
          );
          await checkKafkaSasl(target, null);
          return;
        }
      }
    }
    if (own) {
      say('kafka', `waiting  pid ${own.pid} is running but not answering yet`);
      await waitForKafka(own.pid, t0, target);
      say('kafka', `ok       ${where} (pid ${own.pid}, ${secondsSince(t0)})`);
      await checkKafkaSasl(target, own);
      return;
    }
    const stale = readPidFile();
    if (stale) {
      say('kafka', `removing stale pid file (pid ${stale.pid} is gone)`);
      fs.rmSync(kafkaFiles.pid, { force: true });
    }

    const { cache, classpath, common } = await kafkaJava();
    renderKafkaConfig(target);
    await ensureKafkaStorage(['-Xmx256m', ...common]);

    const cds = kafkaCds(cache, classpath);
    const cdsArgs = [];
    let cdsPending = null;
    if (cds && cds.exists) {
      cdsArgs.push(`-XX:SharedArchiveFile=${cds.archive}`);
    } else if (cds) {
      cdsPending = `${cds.archive}.tmp-${process.pid}`;
      cdsArgs.push(`-XX:ArchiveClassesAtExit=${cdsPending}`);
    }
    const heap = (env.KAFKA_HEAP_OPTS || '-Xms128m -Xmx512m').split(/\s+/).filter(Boolean);
    const extra = (env.KAFKA_JVM_OPTS || '').split(/\s+/).filter(Boolean);
    const args = [
      ...heap,
      ...cdsArgs,
      '-XX:+ExitOnOutOfMemoryError',
      ...extra,
      ...common,
      KAFKA_MAIN,
      kafkaFiles.config,
    ];

    // Keep the previous run's log for post-mortems.
    if (fs.existsSync(kafkaFiles.log)) fs.renameSync(kafkaFiles.log, `${kafkaFiles.log}.1`);
    const child = await spawnDetached(javaCommand(), args, kafkaFiles.log, {
      cwd: kafkaFiles.dir,
    }).catch((err) => {
      throw new InfraError(`kafka: cannot start java (${errMessage(err)}); Java 17+ is required`);
    });
    const started = {
      pid: child.pid,
      startedAt: new Date().toISOString(),
      brokers: where,
      controllerPort: target.controllerPort,
      saslPort: target.saslPort,
      // What `up` compares to decide whether this broker runs the configuration it would write.
      configHash,
      cdsPending,
      cdsArchive: cds ? cds.archive : null,
    };
    writeJson(kafkaFiles.pid, started);
    say(
      'kafka',
      `starting Kafka ${cache.version} (pid ${child.pid}${cds && cds.exists ? ', CDS' : ''}, log ${path.relative(ROOT, kafkaFiles.log)})`,
    );
    const reused = await waitForKafka(child.pid, t0, target);
    say(
      'kafka',
      `ok       ${where} (${reused ? 'another broker won the port, reusing it' : 'started'}, ${secondsSince(t0)})`,
    );
    await checkKafkaSasl(target, reused ? null : started);
  });
}

// ---------------------------------------------------------------------------------------------
// Kafka's SASL listener

function kafkaSaslAddress(target) {
  return `${target.broker.host}:${target.saslPort}`;
}

/** The SASL listener answers and lets `user` in: a metadata round trip, no retries. */
async function probeKafkaSasl(target, user) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'infra-probe-sasl',
    brokers: [kafkaSaslAddress(target)],
    sasl: { mechanism: user.mechanism, username: user.username, password: user.password },
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** True when the broker answered and refused the credentials (rather than not answering). */
function isSaslAuthenticationError(err) {
  for (let e = err; e; e = e.originalError || e.cause) {
    if (e.name === 'KafkaJSSASLAuthenticationError') return true;
  }
  return false;
}

/**
 * Both test users get in. A data directory formatted before the SASL listener existed has no
 * SCRAM user: it is added through the PLAINTEXT listener (KRaft keeps SCRAM credentials in the
 * cluster metadata, which the admin API writes while the broker runs). Returns what it did.
 */
async function ensureKafkaSaslUsers(target) {
  await probeKafkaSasl(target, KAFKA_TEST_USERS.plain);
  try {
    await probeKafkaSasl(target, KAFKA_TEST_USERS.scram);
    return 'PLAIN and SCRAM-SHA-256 users';
  } catch (err) {
    if (!isSaslAuthenticationError(err)) throw err;
  }
  const { username, password } = KAFKA_TEST_USERS.scram;
  const { common } = await kafkaJava();
  await run(javaCommand(), [
    '-Xmx128m',
    ...common,
    'kafka.admin.ConfigCommand',
    '--bootstrap-server',
    `${target.broker.host}:${target.broker.port}`,
    '--alter',
    '--add-config',
    `SCRAM-SHA-256=[password=${password}]`,
    '--entity-type',
    'users',
    '--entity-name',
    username,
  ]);
  await waitFor(() => probeKafkaSasl(target, KAFKA_TEST_USERS.scram), {
    timeoutMs: 15000,
    intervalMs: 250,
  });
  return 'PLAIN and SCRAM-SHA-256 users, SCRAM user added to the existing data';
}

/**
 * The SASL listener of our broker must work (a failure is an error of `up`). Another checkout's
 * or a hand-started broker may lack it: that is only reported, since everything else works.
 */
async function checkKafkaSasl(target, own) {
  const address = kafkaSaslAddress(target);
  if (!own) {
    try {
      await probeKafkaSasl(target, KAFKA_TEST_USERS.plain);
      await probeKafkaSasl(target, KAFKA_TEST_USERS.scram);
      say('kafka', `ok       SASL ${address}`);
    } catch (err) {
      say(
        'kafka',
        `note     SASL ${address} does not work (${errMessage(err)}): that broker was not ` +
          'started by this checkout; the Kafka security tests need it restarted by infra.js',
      );
    }
    return;
  }
  try {
    say('kafka', `ok       SASL ${address} (${await ensureKafkaSaslUsers(target)})`);
  } catch (err) {
    throw new InfraError(
      `kafka: the SASL listener ${address} does not work: ${errMessage(err)}\n  log: ${kafkaFiles.log}`,
    );
  }
}

/** Waits for our broker; returns true if it died but another broker answers on the port. */
async function waitForKafka(pid, t0, target) {
  let died = false;
  try {
    await waitFor(() => probeKafka({ groupCoordinator: false }), {
      timeoutMs: Math.max(1000, settings.kafkaStartTimeoutMs - (Date.now() - t0)),
      intervalMs: 200,
      stop: () => {
        if (!processAlive(pid)) {
          died = true;
          return `the broker (pid ${pid}) exited`;
        }
        return null;
      },
    });
    await probeKafka(); // warm up the group and transaction coordinators
    return false;
  } catch (err) {
    if (died) {
      fs.rmSync(kafkaFiles.pid, { force: true });
      // Lost a race for the port against a broker started elsewhere? Then use that one.
      if (await tcpOpen(target.broker.host, target.broker.port)) {
        const other = await waitFor(() => probeKafka(), { timeoutMs: 20000, intervalMs: 500 }).then(
          () => true,
          () => false,
        );
        if (other) return true;
      }
    }
    throw new InfraError(
      `kafka: ${died ? 'broker exited during startup' : `no answer on ${target.brokers.join(',')} within ${settings.kafkaStartTimeoutMs} ms`}` +
        ` (${errMessage(err)}).\n  log: ${kafkaFiles.log}\n${tailFile(kafkaFiles.log)
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}`,
    );
  }
}

async function downKafka() {
  const state = readPidFile();
  if (!state) {
    const target = kafkaTarget();
    const answering = await probeKafka({ groupCoordinator: false }).then(
      () => true,
      () => false,
    );
    say(
      'kafka',
      answering
        ? `left alone (${target.brokers.join(',')} was not started by this checkout)`
        : 'not running',
    );
    return;
  }
  if (!ownProcessAlive(state.pid, KAFKA_MAIN)) {
    fs.rmSync(kafkaFiles.pid, { force: true });
    say('kafka', `not running (removed stale pid file, pid ${state.pid})`);
    return;
  }
  await stopKafkaProcess(state);
}

/** Stops our broker (pid file `state`), keeping its data; saves the CDS archive it wrote. */
async function stopKafkaProcess(state) {
  const t0 = Date.now();
  const clean = await stopPid(state.pid, { graceMs: 60000 });
  fs.rmSync(kafkaFiles.pid, { force: true });
  let note = clean ? '' : ', had to SIGKILL it';
  if (state.cdsPending && state.cdsArchive && fs.existsSync(state.cdsPending)) {
    if (clean && fs.statSync(state.cdsPending).size > 0) {
      fs.renameSync(state.cdsPending, state.cdsArchive);
      note = ', saved CDS archive for faster starts';
    } else {
      fs.rmSync(state.cdsPending, { force: true });
    }
  }
  say(
    'kafka',
    `stopped pid ${state.pid} (${secondsSince(t0)}${note}; data kept in ${path.relative(ROOT, kafkaFiles.data)})`,
  );
}

async function statusKafka() {
  const target = kafkaTarget();
  const where = target.brokers.join(',');
  const own = kafkaOwnPid();
  try {
    const cluster = await probeKafka({ groupCoordinator: false });
    const whose = own
      ? `pid ${own.pid}, log ${path.relative(ROOT, kafkaFiles.log)}`
      : 'not started by this checkout';
    say('kafka', `ok       ${where} (cluster ${cluster.clusterId}, ${whose})`);
    if (!target.local) return true;
    try {
      await probeKafkaSasl(target, KAFKA_TEST_USERS.plain);
      await probeKafkaSasl(target, KAFKA_TEST_USERS.scram);
      say('kafka', `ok       SASL ${kafkaSaslAddress(target)}`);
      return true;
    } catch (err) {
      say('kafka', `DOWN     SASL ${kafkaSaslAddress(target)}: ${errMessage(err)}`);
      // Only our own broker promises the SASL listener.
      return !own;
    }
  } catch (err) {
    const extra = own ? ` (pid ${own.pid} running, see ${kafkaFiles.log})` : '';
    say('kafka', `DOWN     ${where}: ${errMessage(err)}${extra}`);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

const SERVICE_NAMES = ['postgres', 'redis', 'mosquitto', 'kafka'];

function selected(names) {
  const aliases = { pg: 'postgres', postgresql: 'postgres', mqtt: 'mosquitto' };
  const wanted = names.map((n) => aliases[n] || n);
  const unknown = wanted.filter((n) => !SERVICE_NAMES.includes(n));
  if (unknown.length)
    throw new InfraError(
      `unknown service(s): ${unknown.join(', ')} (known: ${SERVICE_NAMES.join(', ')})`,
    );
  return wanted.length ? wanted : SERVICE_NAMES;
}

async function up(names) {
  const t0 = Date.now();
  console.log('infra up');
  const tasks = [
    ...systemServices.filter((s) => names.includes(s.name)).map((s) => upSystemService(s)),
    ...(names.includes('kafka') ? [upKafka()] : []),
  ];
  const results = await Promise.allSettled(tasks);
  const failures = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
  if (failures.length) {
    for (const f of failures)
      console.error(
        `infra up: ${f instanceof InfraError ? f.message : f && f.stack ? f.stack : f}`,
      );
    return 1;
  }
  console.log(`infra up: ready (${secondsSince(t0)})`);
  return 0;
}

async function down(names) {
  console.log('infra down');
  let code = 0;
  if (names.includes('kafka')) {
    await downKafka().catch((err) => {
      console.error(`infra down: kafka: ${errMessage(err)}`);
      code = 1;
    });
  }
  for (const svc of systemServices.filter((s) => names.includes(s.name))) {
    await downSystemService(svc).catch((err) => {
      console.error(`infra down: ${svc.name}: ${errMessage(err)}`);
      code = 1;
    });
  }
  return code;
}

async function status(names) {
  console.log('infra status');
  const checks = systemServices
    .filter((s) => names.includes(s.name))
    .map(async (svc) => {
      const t0 = Date.now();
      try {
        await svc.probe();
        say(svc.name, `ok       ${svc.target()} (${Date.now() - t0} ms)`);
        return true;
      } catch (err) {
        say(svc.name, `DOWN     ${svc.target()}: ${errMessage(err)}`);
        return false;
      }
    });
  if (names.includes('kafka')) checks.push(statusKafka());
  const ok = (await Promise.all(checks)).every(Boolean);
  return ok ? 0 : 1;
}

async function main(argv) {
  const [command, ...rest] = argv;
  const commands = { up, down, status };
  if (!commands[command]) {
    console.error(
      'usage: node scripts/infra.js <up|down|status> [postgres|redis|mosquitto|kafka ...]',
    );
    return 2;
  }
  return commands[command](selected(rest));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(
      `infra: ${err instanceof InfraError ? err.message : err && err.stack ? err.stack : err}`,
    );
    process.exit(1);
  },
);
