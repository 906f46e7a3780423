import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomDockLicence } from '../../support/dock-licence';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DEFAULT_ORGANIZATION_ID, KAFKA_TOPICS } from '@dock/contracts';
import { S3StandIn } from '../../../apps/media/src/adapters/s3-standin/s3-standin';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import { GroupTopics, startGroupsAtTopicEnds } from './kafka-groups';
import { freePort, ServiceProcess, startServiceProcess } from './service-process';
import { SCENARIO_SETTINGS, SystemUnderTest } from './system-under-test';

/**
 * The production shape: gateway, mission, telemetry, file and media, each its own process
 * (`node dist/apps/<app>/main.js`), against the real Mosquitto, Kafka, Redis and PostgreSQL
 * of `npm run infra:up`; media storage is the S3-compatible stand-in (STS + SigV4), started on
 * its own in this process (no MinIO on this machine). Everything that could collide with another run on the same
 * infrastructure is unique to this run: consumer groups (pinned to the topics' current ends),
 * database schemas, the MQTT share group and gateway instance id, the Redis prefix, the
 * storage directory, ports, tokens and the dock SN prefix.
 */

export interface DistributedSystem extends SystemUnderTest {
  readonly processes: readonly ServiceProcess[];
  /** Where each service's full log is (`<app>.log`); removed by stop() unless kept. */
  readonly logDir: string;
  /** stop() leaves the log directory in place (also with KEEP_E2E_LOGS=1). */
  keepLogs(): void;
  /** Every consumer group of the run with the topics it reads (e.g. to check their lag). */
  readonly consumerGroups: readonly GroupTopics[];
}

export interface DistributedSystemOptions {
  /** Extra environment for every service (after the harness's own settings). */
  readonly env?: Record<string, string>;
  /** Service log level (default `info`; E2E_LOG_LEVEL overrides). */
  readonly logLevel?: string;
}

type App = 'gateway' | 'mission' | 'telemetry' | 'file' | 'media';

export async function startDistributedSystem(
  options: DistributedSystemOptions = {},
): Promise<DistributedSystem> {
  const run = uniqueName('e2e');
  const runSql = run.replace(/-/g, '_');
  const logDir = mkdtempSync(path.join(tmpdir(), `${run}-logs-`));
  const storageDir = mkdtempSync(path.join(tmpdir(), `${run}-files-`));
  // Generated per run: the default organization's token, and an admin token the mission
  // service uses towards the file service (it acts in each task's organization).
  const token = `e2e-${randomBytes(24).toString('hex')}`;
  const adminToken = `e2e-admin-${randomBytes(24).toString('hex')}`;
  const ports: Record<App, number> = {
    gateway: await freePort(),
    mission: await freePort(),
    telemetry: await freePort(),
    file: await freePort(),
    media: await freePort(),
  };
  const schemas: Record<Exclude<App, 'gateway'>, string> = {
    mission: `${runSql}_mission`,
    telemetry: `${runSql}_telemetry`,
    file: `${runSql}_file`,
    media: `${runSql}_media`,
  };
  const groups = {
    gatewayCommands: `${run}.gateway-commands`,
    gatewayRequestReplies: `${run}.gateway-request-replies`,
    mission: `${run}.mission`,
    telemetry: `${run}.telemetry`,
    file: `${run}.file`,
    media: `${run}.media`,
  };
  const consumerGroups: GroupTopics[] = [
    { groupId: groups.gatewayCommands, topics: [KAFKA_TOPICS.commands] },
    { groupId: groups.gatewayRequestReplies, topics: [KAFKA_TOPICS.requestReplies] },
    { groupId: `${groups.mission}.command-replies`, topics: [KAFKA_TOPICS.commandReplies] },
    { groupId: `${groups.mission}.uplink-events`, topics: [KAFKA_TOPICS.uplink.events] },
    { groupId: `${groups.mission}.device-events`, topics: [KAFKA_TOPICS.deviceEvents] },
    {
      groupId: groups.telemetry,
      topics: [KAFKA_TOPICS.uplink.events, KAFKA_TOPICS.uplink.status],
    },
    { groupId: `${groups.file}.resource-requests`, topics: [KAFKA_TOPICS.uplink.requests] },
    { groupId: `${groups.file}.task-events`, topics: [KAFKA_TOPICS.taskEvents] },
    { groupId: `${groups.telemetry}.task-events`, topics: [KAFKA_TOPICS.taskEvents] },
    { groupId: `${groups.media}.requests`, topics: [KAFKA_TOPICS.uplink.requests] },
    {
      groupId: `${groups.media}.events`,
      topics: [KAFKA_TOPICS.uplink.events, KAFKA_TOPICS.taskEvents, KAFKA_TOPICS.commandReplies],
    },
  ];
  const pinned = startGroupsAtTopicEnds(infraSettings.kafkaBrokers, consumerGroups);
  await pinned.catch((error: unknown) => {
    rmSync(logDir, { recursive: true, force: true });
    rmSync(storageDir, { recursive: true, force: true });
    throw error;
  });

  const mediaRoot = {
    id: `E2E${randomBytes(8).toString('hex').toUpperCase()}`,
    secret: randomBytes(30).toString('base64url'),
  };
  const mediaDir = mkdtempSync(path.join(tmpdir(), `${run}-media-`));
  const mediaStandIn = new S3StandIn({
    directory: mediaDir,
    bucket: 'e2e-media',
    region: 'us-east-1',
    rootAccessKeyId: mediaRoot.id,
    rootSecretAccessKey: mediaRoot.secret,
  });
  const mediaEndpoint = await mediaStandIn.start(0);

  const common: Record<string, string> = {
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? options.logLevel ?? 'info',
    SHUTDOWN_TIMEOUT_MS: '5000',
    KAFKA_BROKERS: infraSettings.kafkaBrokers.join(','),
    REDIS_URL: infraSettings.redisUrl,
    DATABASE_URL: infraSettings.databaseUrl,
    MQTT_URL: infraSettings.mqttUrl,
    API_TOKENS: `${DEFAULT_ORGANIZATION_ID}:${token}`,
    ADMIN_API_TOKENS: adminToken,
    AUTH_DISABLED: 'false',
    ...SCENARIO_SETTINGS,
  };
  const envOf: Record<App, Record<string, string>> = {
    gateway: {
      KAFKA_CLIENT_ID: `${run}-gateway`,
      GATEWAY_INSTANCE_ID: `${run}-gw`,
      GATEWAY_SHARE_GROUP: `${run}-gw`,
      GATEWAY_REDIS_PREFIX: `${run}-gw`,
      GATEWAY_COMMANDS_GROUP_ID: groups.gatewayCommands,
      GATEWAY_REQUEST_REPLIES_GROUP_ID: groups.gatewayRequestReplies,
      // Few subscriber connections: a test fleet is small, and the machine has two cores.
      GATEWAY_MQTT_CONNECTIONS: '4',
      // Sessions of this run's instance id are never resumed: let the broker forget them soon.
      MQTT_SESSION_EXPIRY_S: '60',
      // A licence of this run only: simulated docks refuse a config reply without one.
      ...randomDockLicence(),
    },
    mission: {
      KAFKA_CLIENT_ID: `${run}-mission`,
      DATABASE_SCHEMA: schemas.mission,
      MISSION_KAFKA_GROUP_PREFIX: groups.mission,
      FILE_SERVICE_URL: `http://127.0.0.1:${ports.file}`,
      FILE_SERVICE_TOKEN: adminToken,
    },
    telemetry: {
      KAFKA_CLIENT_ID: `${run}-telemetry`,
      DATABASE_SCHEMA: schemas.telemetry,
      DATABASE_POOL_SIZE: '4',
      TELEMETRY_CONSUMER_GROUP: groups.telemetry,
    },
    file: {
      KAFKA_CLIENT_ID: `${run}-file`,
      DATABASE_SCHEMA: schemas.file,
      FILE_KAFKA_GROUP_PREFIX: groups.file,
      FILE_STORAGE_DRIVER: 'local',
      FILE_STORAGE_DIR: storageDir,
      FILE_UPLOAD_TMP_DIR: path.join(storageDir, 'uploads'),
      FILE_URL_SIGNING_KEY: randomBytes(32).toString('hex'),
      FILE_PUBLIC_BASE_URL: `http://127.0.0.1:${ports.file}`,
    },
    media: {
      KAFKA_CLIENT_ID: `${run}-media`,
      DATABASE_SCHEMA: schemas.media,
      MEDIA_KAFKA_GROUP_PREFIX: groups.media,
      MEDIA_STORAGE_PROVIDER: 'minio',
      MEDIA_STORAGE_ENDPOINT: mediaEndpoint,
      MEDIA_STORAGE_BUCKET: 'e2e-media',
      MEDIA_STORAGE_ACCESS_KEY_ID: mediaRoot.id,
      MEDIA_STORAGE_SECRET_ACCESS_KEY: mediaRoot.secret,
      MEDIA_UPLOAD_CREDENTIALS: 'sts',
      MEDIA_URL_SIGNING_KEY: randomBytes(32).toString('hex'),
      MEDIA_PUBLIC_BASE_URL: `http://127.0.0.1:${ports.media}`,
    },
  };

  const processes: ServiceProcess[] = [];
  const start = async (app: App): Promise<ServiceProcess> => {
    const started = await startServiceProcess({
      app,
      port: ports[app],
      env: { ...common, ...envOf[app], ...options.env },
      logDir,
    });
    processes.push(started);
    return started;
  };

  let stopped: Promise<void> | undefined;
  let keepLogs = process.env.KEEP_E2E_LOGS === '1';
  const stopAll = async (): Promise<void> => {
    // All at once: each drains its own work (SIGTERM), a test run has nothing left to hand on.
    await Promise.all(processes.map((p) => p.stop(10_000)));
    await dropSchemas(Object.values(schemas)).catch(() => undefined);
    await dropRedisKeys(`${run}-gw`).catch(() => undefined);
    rmSync(storageDir, { recursive: true, force: true });
    await mediaStandIn.stop();
    rmSync(mediaDir, { recursive: true, force: true });
    if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
  };
  const stop = (): Promise<void> => (stopped ??= stopAll());

  try {
    // The gateway first: the other services' commands and answers go through it.
    await start('gateway');
    await Promise.all([start('file'), start('telemetry'), start('media')]);
    await start('mission');
  } catch (error) {
    await stop();
    throw error;
  }

  const endpoint = (app: App) => ({ baseUrl: `http://127.0.0.1:${ports[app]}`, token });
  return {
    name: 'distributed',
    mqttUrl: infraSettings.mqttUrl,
    missionApi: endpoint('mission'),
    telemetryApi: endpoint('telemetry'),
    fileApi: endpoint('file'),
    mediaApi: endpoint('media'),
    // Dock SNs: short, upper case like real ones, unique to the run.
    snPrefix: `E2E${randomBytes(3).toString('hex').toUpperCase()}`,
    processes,
    logDir,
    consumerGroups,
    keepLogs: () => {
      keepLogs = true;
    },
    diagnostics(needles, limit) {
      return processes
        .map((p) => {
          const lines = p.tail(limit, needles);
          return `--- ${p.app} (${lines.length} lines${needles.length ? ` with ${needles.join(' | ')}` : ''}; full log ${p.logFile}) ---\n${lines.join('\n')}`;
        })
        .join('\n');
    },
    stop,
  };
}

async function dropSchemas(schemas: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: infraSettings.databaseUrl });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** The gateway's pending-call keys of this run (dedupe markers would live 24 h otherwise). */
async function dropRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(infraSettings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
