import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import {
  CommandRecord,
  commandRecordSchema,
  DEFAULT_ORGANIZATION_ID,
  DeviceEventRecord,
  CommandReplyRecord,
  TaskEventRecord,
  taskEventRecordSchema,
  UplinkRecord,
} from '@dock/contracts';
import {
  createLogger,
  kafkaCheck,
  loadConfig,
  ORGANIZATION_HEADER,
  postgresCheck,
} from '@dock/platform';
import { RunningService, setupOpenApi, startService } from '@dock/platform';
import { MISSION_OPENAPI_INFO } from '../../../apps/mission/src/mission.service-definition';
import { ensureTopics, decodeRecord } from '@dock/kafka';
import { MissionModule } from '../../../apps/mission/src/mission.module';
import { missionConfigSchema } from '../../../apps/mission/src/mission.config';
import type { MissionTopics } from '../../../apps/mission/src/adapters/kafka/mission-topics';
import type { Clock } from '../../../apps/mission/src/domain/clock';
import { Client } from 'pg';
import { generatedToken, TestApiTokens } from '../../support/api-tokens';
import { eventually } from '../../support/eventually';
import { infraSettings, uniqueName } from '../../support/infra-settings';

/** A clock the test moves; every replica reads the same one. */
export class ManualClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** The default organization's token of the mission specs, generated per run. */
export const API_TOKEN = generatedToken('mission');
/** The mission service's token for the file service (an admin token there), generated per run. */
export const FILE_SERVICE_TOKEN = generatedToken('file');
export const UNKNOWN_WAYLINE = '00000000-0000-4000-8000-000000000404';

export interface FileServiceStub {
  server: Server;
  url: string;
  calls: string[];
  /** The organization each call stated (X-Organization-Id), in call order. */
  organizations: (string | undefined)[];
  /** Waylines that belong to one organization: any other one gets 404, as the file service answers. */
  owners: Map<string, string>;
}

/** Stands in for the file service's POST /flights/{flightId}/wayline. */
export async function startFileServiceStub(): Promise<FileServiceStub> {
  const calls: string[] = [];
  const organizations: (string | undefined)[] = [];
  const owners = new Map<string, string>();
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const match = /^\/flights\/([^/]+)\/wayline$/.exec(request.url ?? '');
      const reply = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (request.headers.authorization !== `Bearer ${FILE_SERVICE_TOKEN}`)
        return reply(401, { message: 'no token' });
      if (request.method !== 'POST' || !match) return reply(404, { message: 'no route' });
      const parsed = JSON.parse(body) as { waylineId: string; gatewaySn: string };
      calls.push(decodeURIComponent(match[1]));
      const organization = request.headers[ORGANIZATION_HEADER.toLowerCase()] as string | undefined;
      organizations.push(organization);
      if (parsed.waylineId === UNKNOWN_WAYLINE) return reply(404, { message: 'unknown wayline' });
      const owner = owners.get(parsed.waylineId);
      if (owner !== undefined && owner !== organization) {
        return reply(404, { message: 'unknown wayline' });
      }
      reply(200, {
        flightId: decodeURIComponent(match[1]),
        waylineId: parsed.waylineId,
        gatewaySn: parsed.gatewaySn,
        url: `https://files.test/${parsed.waylineId}.kmz?sig=${calls.length}`,
        fingerprint: '0123456789abcdef0123456789abcdef',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, calls, organizations, owners };
}

/** What the fake dock answers to a command: a result code, or null for no answer at all. */
export type DockScript = (command: CommandRecord) => number | null;

/**
 * Plays the gateway and the docks: reads the commands topic, answers on the replies topic as
 * each dock's script says, and publishes uplink events (progress, ready).
 */
export class FakeGateway {
  readonly commands: CommandRecord[] = [];
  readonly taskEvents: TaskEventRecord[] = [];
  /** The task events as written (key, headers, JSON value), for the AsyncAPI contract checks. */
  readonly rawTaskEvents: {
    key: string | null;
    headers: Record<string, string>;
    value: unknown;
  }[] = [];
  private readonly scripts = new Map<string, DockScript>();
  private producer!: Producer;
  private consumers: Consumer[] = [];

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: MissionTopics,
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const commands = this.kafka.consumer({ groupId: uniqueName('it-mission-gw') });
    await commands.connect();
    await commands.subscribe({ topic: this.topics.commands, fromBeginning: true });
    await commands.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeRecord(message.value, commandRecordSchema);
        if (!decoded.ok) return;
        this.commands.push(decoded.value);
        const script = this.scripts.get(decoded.value.gatewaySn) ?? (() => 0);
        const result = script(decoded.value);
        if (result !== null) await this.reply(decoded.value, result);
      },
    });
    const events = this.kafka.consumer({ groupId: uniqueName('it-mission-events') });
    await events.connect();
    await events.subscribe({ topic: this.topics.taskEvents, fromBeginning: true });
    await events.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeRecord(message.value, taskEventRecordSchema);
        if (decoded.ok) this.taskEvents.push(decoded.value);
        this.rawTaskEvents.push({
          key: message.key?.toString() ?? null,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
          value: JSON.parse(message.value?.toString() ?? 'null') as unknown,
        });
      },
    });
    this.consumers = [commands, events];
  }

  script(gatewaySn: string, script: DockScript): void {
    this.scripts.set(gatewaySn, script);
  }

  commandsFor(gatewaySn: string, method?: string): CommandRecord[] {
    return this.commands.filter(
      (c) => c.gatewaySn === gatewaySn && (!method || c.method === method),
    );
  }

  eventsFor(flightId: string): TaskEventRecord[] {
    return this.taskEvents.filter((e) => e.flightId === flightId);
  }

  async reply(
    command: CommandRecord,
    result: number,
    outcome: CommandReplyRecord['outcome'] = 'replied',
  ): Promise<void> {
    const record: CommandReplyRecord = {
      schemaVersion: 1,
      correlationId: command.correlationId,
      gatewaySn: command.gatewaySn,
      method: command.method,
      tid: 'tid-' + command.correlationId,
      bid: command.bid,
      outcome,
      result: outcome === 'replied' ? result : null,
      sentAt: Date.now(),
      completedAt: Date.now(),
      roundTripMs: 1,
    };
    await this.producer.send({
      topic: this.topics.commandReplies,
      messages: [{ key: command.gatewaySn, value: JSON.stringify(record) }],
    });
  }

  async progress(
    gatewaySn: string,
    flightId: string,
    status: string,
    percent: number,
    timestamp: number,
    options: { result?: number; ext?: Record<string, unknown> } = {},
  ): Promise<void> {
    await this.event(gatewaySn, flightId, 'flighttask_progress', timestamp, {
      result: options.result ?? 0,
      output: {
        status,
        progress: { current_step: 21, percent },
        ext: {
          flight_id: flightId,
          current_waypoint_index: Math.floor(percent / 10),
          ...options.ext,
        },
      },
    });
  }

  async ready(gatewaySn: string, flightIds: string[], timestamp: number): Promise<void> {
    await this.event(gatewaySn, 'ready-bid', 'flighttask_ready', timestamp, {
      flight_ids: flightIds,
    });
  }

  private async event(
    gatewaySn: string,
    bid: string,
    method: string,
    timestamp: number,
    data: unknown,
  ): Promise<void> {
    const record: UplinkRecord = {
      schemaVersion: 1,
      gatewaySn,
      family: 'events',
      method,
      tid: uniqueName('tid'),
      bid,
      timestamp,
      needReply: true,
      known: true,
      receivedAt: timestamp,
      data,
    };
    await this.producer.send({
      topic: this.topics.uplinkEvents,
      messages: [{ key: gatewaySn, value: JSON.stringify(record) }],
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    await this.producer?.disconnect();
  }
}

export function testKafka(): Kafka {
  return new Kafka({
    clientId: 'mission-it',
    brokers: infraSettings.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
}

export async function createTestTopics(kafka: Kafka): Promise<MissionTopics> {
  const run = uniqueName('it-mission');
  const topics: MissionTopics = {
    commands: `${run}.commands`,
    commandReplies: `${run}.command-replies`,
    uplinkEvents: `${run}.uplink-events`,
    taskEvents: `${run}.task-events`,
    deviceEvents: `${run}.device-events`,
  };
  await ensureTopics(
    kafka,
    Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })),
  );
  return topics;
}

export interface ReplicaSettings {
  schema: string;
  groupPrefix: string;
  topics: MissionTopics;
  clock: ManualClock;
  fileServiceUrl: string;
  name: string;
  /** The API tokens it accepts; default: API_TOKEN for the default organization. */
  tokens?: TestApiTokens;
  /** Settings over the specs' defaults (e.g. loop intervals). */
  env?: Record<string, string>;
}

/** One mission replica, in process, on a random port. */
export async function startReplica(settings: ReplicaSettings): Promise<RunningService> {
  const config = loadConfig(missionConfigSchema, {
    SERVICE_NAME: settings.name,
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.MISSION_IT_LOG_LEVEL ?? 'fatal',
    DATABASE_URL: infraSettings.databaseUrl,
    DATABASE_SCHEMA: settings.schema,
    KAFKA_BROKERS: infraSettings.kafkaBrokers.join(','),
    API_TOKENS: `${DEFAULT_ORGANIZATION_ID}:${API_TOKEN}`,
    ...(settings.tokens
      ? {
          // The default organization keeps API_TOKEN; the others get the test's own.
          API_TOKENS: [
            `${DEFAULT_ORGANIZATION_ID}:${API_TOKEN}`,
            ...settings.tokens.env.API_TOKENS.split(',').filter(
              (entry) => !entry.startsWith(`${DEFAULT_ORGANIZATION_ID}:`),
            ),
          ].join(','),
          ADMIN_API_TOKENS: settings.tokens.env.ADMIN_API_TOKENS,
        }
      : {}),
    MISSION_KAFKA_GROUP_PREFIX: settings.groupPrefix,
    MISSION_SCHEDULER_INTERVAL_MS: '100',
    MISSION_RELAY_INTERVAL_MS: '100',
    MISSION_RETRY_INITIAL_MS: '1000',
    MISSION_RETRY_MAX_MS: '4000',
    MISSION_RETRY_MAX_ATTEMPTS: '4',
    MISSION_PLAN_HORIZON_MS: String(7 * 86_400_000),
    FILE_SERVICE_URL: settings.fileServiceUrl,
    FILE_SERVICE_TOKEN,
    ...settings.env,
  });
  const logger = createLogger({ service: settings.name, level: config.LOG_LEVEL });
  const checks = [
    postgresCheck(config.DATABASE_URL),
    kafkaCheck(config.KAFKA_BROKERS, settings.name),
  ];
  return startService({
    module: MissionModule.register(config, logger, checks, {
      topics: settings.topics,
      clock: settings.clock,
    }),
    logger,
    httpPort: 0,
    httpHost: '127.0.0.1',
    shutdownTimeoutMs: 5_000,
    configure: (app) => {
      setupOpenApi(app, MISSION_OPENAPI_INFO);
    },
  });
}

/** A small JSON client for one replica's REST API. */
export class Api {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | null = API_TOKEN,
    /** Sent as X-Organization-Id; none: the default organization. */
    private readonly organizationId?: string,
  ) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.organizationId !== undefined) headers[ORGANIZATION_HEADER] = this.organizationId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }
}

/** The wayline the specs' tasks fly (the file-service stub answers for it). */
export const TEST_WAYLINE = '6b0f3c3e-2d7e-4f57-9d6a-3c1f2f0e9a10';
const SLOW = { timeoutMs: 20_000, intervalMs: 100 };

type Json = Record<string, unknown>;

/**
 * What a mission spec runs against: two replicas on one fresh schema, the test's clock, its
 * gateway on topics of its own and a file-service stub, plus the REST helpers every spec uses.
 */
export interface MissionWorld {
  readonly run: string;
  readonly schema: string;
  readonly clock: ManualClock;
  readonly kafka: Kafka;
  readonly topics: MissionTopics;
  readonly gateway: FakeGateway;
  readonly fileStub: FileServiceStub;
  readonly replicas: RunningService[];
  readonly apiA: Api;
  readonly apiB: Api;
  /** A dock SN unique to this run. */
  sn(name: string): string;
  /** POST /tasks with sensible defaults; expects 201 and returns the flight id. */
  create(body: Json, api?: Api): Promise<string>;
  /** GET /tasks/{id}; expects 200. */
  task(flightId: string, api?: Api): Promise<Json>;
  /** Eventually the task is in `state`; returns it. */
  waitState(flightId: string, state: string): Promise<Json>;
  /**
   * The registry binds `gatewaySn` to `organizationId` (null: unbinds it): a binding record on
   * the world's device-events topic, then eventually the service has learned it.
   */
  bindDock(gatewaySn: string, organizationId: string | null): Promise<void>;
  stop(): Promise<void>;
}

export async function startMissionWorld(
  prefix: string,
  options: { tokens?: TestApiTokens; env?: Record<string, string> } = {},
): Promise<MissionWorld> {
  const run = uniqueName(prefix).replace(/-/g, '');
  const schema = uniqueName(`it_mission_${prefix}`, '_');
  const clock = new ManualClock(Date.UTC(2026, 4, 4, 10, 0, 0));
  const kafka = testKafka();
  const topics = await createTestTopics(kafka);
  const fileStub = await startFileServiceStub();
  const gateway = new FakeGateway(kafka, topics);
  await gateway.start();
  const common = {
    schema,
    groupPrefix: uniqueName(`it-mission-${prefix}`),
    topics,
    clock,
    fileServiceUrl: fileStub.url,
    tokens: options.tokens,
    env: options.env,
  };
  const replicas: RunningService[] = [];
  // Sequential: the second waits for the first's migrations (advisory lock) anyway.
  replicas.push(await startReplica({ ...common, name: 'mission-a' }));
  replicas.push(await startReplica({ ...common, name: 'mission-b' }));
  const apiA = new Api(`http://127.0.0.1:${replicas[0].port}`);
  const apiB = new Api(`http://127.0.0.1:${replicas[1].port}`);

  const task = async (flightId: string, api: Api = apiA): Promise<Json> => {
    const response = await api.call('GET', `/tasks/${flightId}`);
    expect(response.status).toBe(200);
    return response.body;
  };
  return {
    run,
    schema,
    clock,
    kafka,
    topics,
    gateway,
    fileStub,
    replicas,
    apiA,
    apiB,
    sn: (name) => `${run}-${name}`.toUpperCase(),
    create: async (body, api = apiA) => {
      const response = await api.call('POST', '/tasks', {
        name: 'survey',
        creator: 'it',
        waylineId: TEST_WAYLINE,
        rthAltitude: 100,
        exitWaylineWhenRcLost: 1,
        ...body,
      });
      expect(response.status).toBe(201);
      return response.body.flightId as string;
    },
    task,
    waitState: (flightId, state) =>
      eventually(async () => {
        const current = await task(flightId);
        expect(current.state).toBe(state);
        return current;
      }, SLOW),
    bindDock: async (gatewaySn, organizationId) => {
      const at = Date.now();
      const record: DeviceEventRecord = {
        schemaVersion: 1,
        kind: 'binding',
        gatewaySn,
        deviceSn: gatewaySn,
        role: 'gateway',
        organizationId,
        modelKey: null,
        model: null,
        callsign: null,
        bound: organizationId !== null,
        cause: 'airport_organization_bind',
        at,
      };
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await producer.send({
          topic: topics.deviceEvents,
          messages: [{ key: gatewaySn, value: JSON.stringify(record) }],
        });
      } finally {
        await producer.disconnect();
      }
      const client = new Client({ connectionString: infraSettings.databaseUrl });
      await client.connect();
      try {
        await eventually(async () => {
          const rows = await client.query<{ organization_id: string | null; changed_at: string }>(
            `SELECT organization_id, changed_at FROM "${schema}".dock_organizations WHERE gateway_sn = $1`,
            [gatewaySn],
          );
          expect(rows.rows).toEqual([{ organization_id: organizationId, changed_at: String(at) }]);
        }, SLOW);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      await Promise.all(replicas.splice(0).map((r) => r.shutdown('test end')));
      await gateway.stop();
      await new Promise((resolve) => fileStub.server.close(resolve));
      const client = new Client({ connectionString: infraSettings.databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}
