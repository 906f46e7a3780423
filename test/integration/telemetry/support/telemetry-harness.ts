import { Writable } from 'node:stream';
import { Admin, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_PARTITIONS, KAFKA_TOPICS } from '@dock/contracts';
import { ensureTopics } from '@dock/kafka';
import {
  createLogger,
  loadConfig,
  ORGANIZATION_HEADER,
  RunningService,
  startService,
} from '@dock/platform';
import {
  TelemetryConfig,
  telemetryConfigSchema,
} from '../../../../apps/telemetry/src/telemetry.config';
import { TelemetryModule } from '../../../../apps/telemetry/src/telemetry.module';
import { taskEventsGroupId } from '../../../../apps/telemetry/src/telemetry-runtime';
import { configureTelemetryApp } from '../../../../apps/telemetry/src/telemetry.service-definition';
import { TestApiTokens, generatedToken } from '../../../support/api-tokens';
import { infraSettings, uniqueName } from '../../../support/infra-settings';
import type { ProducedRecord } from './uplink-records';

/** The default organization's token of the telemetry specs, generated per run. */
export const TOKEN = generatedToken('telemetry');
/** A second client of the API (the default organization's too), for the per-token stream cap. */
export const SECOND_TOKEN = generatedToken('telemetry-second');
/** The stream caps the harness runs with (small, so a test can reach them). */
export const STREAM_CAPS = { perToken: 4, total: 6 };
/** The live stream's per-client bound in these tests (the default, stated to read the tests). */
export const SSE_MAX_BUFFERED_BYTES = 1_048_576;
/** What telemetry stores from (events, status and osd): each run starts at their ends. */
const TOPICS = [KAFKA_TOPICS.uplink.events, KAFKA_TOPICS.uplink.status, KAFKA_TOPICS.uplink.osd];

/**
 * The telemetry service in-process against the real Kafka and PostgreSQL: a fresh schema and a
 * fresh consumer group per run, the group's offsets set to the topics' current ends so a run
 * reads only what it produces (the shared topics hold earlier runs' records), and a producer
 * writing records as the gateway does.
 */
export class TelemetryHarness {
  /**
   * `organizations`: the organizations the spec acts in besides the default one; each gets a
   * token of its own (`tokenOf`), and the service an admin token (`tokens.admin`).
   */
  constructor(organizations: readonly string[] = []) {
    this.tokens = new TestApiTokens(organizations);
  }

  readonly tokens: TestApiTokens;
  readonly schema = uniqueName('telemetry_it', '_');
  readonly group = uniqueName('telemetry-it');
  readonly kafka = new Kafka({
    clientId: 'telemetry-it',
    brokers: infraSettings.kafkaBrokers,
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 100, retries: 8 },
  });
  readonly db = new Client({ connectionString: infraSettings.databaseUrl });
  private admin!: Admin;
  private producer!: Producer;
  private service: RunningService | undefined;
  /** Where this run's records start, per topic and partition (for the replay test). */
  readonly startOffsets = new Map<string, { partition: number; offset: string }[]>();
  baseUrl = '';
  /**
   * Every line the service logged at warn or above (TELEMETRY_IT_LOG_LEVEL lowers it), parsed;
   * also printed when TELEMETRY_IT_LOG_LEVEL is set.
   */
  readonly logLines: Record<string, unknown>[] = [];
  private readonly logDestination = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      const text = chunk.toString();
      if (process.env.TELEMETRY_IT_LOG_LEVEL) process.stdout.write(text);
      for (const line of text.split('\n').filter(Boolean)) {
        try {
          this.logLines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.logLines.push({ msg: line });
        }
      }
      done();
    },
  });

  async setUp(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await ensureTopics(
      this.kafka,
      TOPICS.map((topic) => ({
        topic,
        numPartitions: DEFAULT_PARTITIONS[topic] ?? 3,
      })),
    );
    for (const topic of TOPICS) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const partitions = ends.map((p) => ({ partition: p.partition, offset: p.high }));
      this.startOffsets.set(topic, partitions);
      await this.admin.setOffsets({ groupId: this.group, topic, partitions });
    }
    // The task events telemetry learns organizations from: this run's only, like the above.
    await ensureTopics(this.kafka, [{ topic: KAFKA_TOPICS.taskEvents, numPartitions: 3 }]);
    const taskEventEnds = await this.admin.fetchTopicOffsets(KAFKA_TOPICS.taskEvents);
    await this.admin.setOffsets({
      groupId: taskEventsGroupId(this.group),
      topic: KAFKA_TOPICS.taskEvents,
      partitions: taskEventEnds.map((p) => ({ partition: p.partition, offset: p.high })),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    await this.db.connect();
    await this.start();
  }

  config(): TelemetryConfig {
    return loadConfig(telemetryConfigSchema, {
      HTTP_PORT: '0',
      LOG_LEVEL: process.env.TELEMETRY_IT_LOG_LEVEL ?? 'warn',
      DATABASE_URL: infraSettings.databaseUrl,
      DATABASE_SCHEMA: this.schema,
      KAFKA_BROKERS: infraSettings.kafkaBrokers.join(','),
      KAFKA_CLIENT_ID: 'telemetry-it',
      TELEMETRY_CONSUMER_GROUP: this.group,
      API_TOKENS: [
        `${DEFAULT_ORGANIZATION_ID}:${TOKEN}`,
        `${DEFAULT_ORGANIZATION_ID}:${SECOND_TOKEN}`,
        ...this.tokens.env.API_TOKENS.split(',').filter(
          (entry) => !entry.startsWith(`${DEFAULT_ORGANIZATION_ID}:`),
        ),
      ].join(','),
      ADMIN_API_TOKENS: this.tokens.admin,
      TELEMETRY_STREAM_MAX_PER_TOKEN: String(STREAM_CAPS.perToken),
      TELEMETRY_STREAM_MAX_CONNECTIONS: String(STREAM_CAPS.total),
      TELEMETRY_RETENTION_DAYS: '30',
      TELEMETRY_RETENTION_INTERVAL_MS: '1000',
      TELEMETRY_SSE_HEARTBEAT_MS: '1000',
      TELEMETRY_SSE_MAX_BUFFERED_BYTES: String(SSE_MAX_BUFFERED_BYTES),
    });
  }

  async start(): Promise<void> {
    const config = this.config();
    const logger = createLogger({
      service: 'telemetry-it',
      level: config.LOG_LEVEL,
      destination: this.logDestination,
    });
    this.service = await startService({
      module: TelemetryModule.register(config, logger, []),
      logger,
      httpPort: 0,
      httpHost: '127.0.0.1',
      shutdownTimeoutMs: 5_000,
      configure: (app) => configureTelemetryApp(app),
    });
    this.baseUrl = `http://127.0.0.1:${this.service.port}`;
  }

  get app() {
    if (!this.service) throw new Error('the service is not running');
    return this.service.app;
  }

  async stop(): Promise<void> {
    await this.service?.shutdown('test');
    this.service = undefined;
  }

  /** Rewinds the group to where this run began: Kafka redelivers every record of the run. */
  async rewindGroup(): Promise<void> {
    for (const [topic, partitions] of this.startOffsets) {
      await this.admin.setOffsets({ groupId: this.group, topic, partitions });
    }
  }

  /** Resolves once the group has committed everything written to its topics so far. */
  async caughtUp(): Promise<boolean> {
    for (const topic of TOPICS) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const [committed] = await this.admin.fetchOffsets({ groupId: this.group, topics: [topic] });
      for (const end of ends) {
        const at = committed?.partitions.find((p) => p.partition === end.partition)?.offset;
        if (at === undefined || BigInt(at) < BigInt(end.high)) return false;
      }
    }
    return true;
  }

  /** The token of `organization` (one given to the constructor; undefined: TOKEN, the default's). */
  tokenOf(organization?: string): string {
    return organization === undefined ? TOKEN : this.tokens.of(organization);
  }

  /**
   * A stream ticket from POST /stream/tickets, as a front end gets one for its EventSource,
   * with the token of `organization` (undefined: the default organization's).
   */
  async streamTicket(organization?: string): Promise<{ ticket: string; expiresAt: string }> {
    const response = await fetch(`${this.baseUrl}/stream/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.tokenOf(organization)}` },
    });
    if (response.status !== 201) throw new Error(`POST /stream/tickets: ${response.status}`);
    return (await response.json()) as { ticket: string; expiresAt: string };
  }

  /** The value of a series without labels of its own on /metrics (0 when absent). */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.baseUrl}/metrics`)).text();
    // The registry adds service="..." to every series.
    const match = new RegExp(`^${name}(?:\\{service="[^"]*"\\})? (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  }

  async produce(records: ProducedRecord[], chunk = 1000): Promise<void> {
    for (let i = 0; i < records.length; i += chunk) {
      const byTopic = new Map<string, ProducedRecord['message'][]>();
      for (const { topic, message } of records.slice(i, i + chunk)) {
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  }

  /**
   * GET with `token`. `organization`: with TOKEN, the token of that organization is sent instead
   * (the organization comes from the token); with any other token, or an organization the
   * harness has no token for (a malformed one), it is sent as X-Organization-Id.
   */
  async get<T>(
    path: string,
    token: string | null = TOKEN,
    organization?: string,
  ): Promise<{ status: number; body: T; type: string }> {
    const own = token === TOKEN && organization !== undefined && this.hasToken(organization);
    const presented = own ? this.tokenOf(organization) : token;
    const response = await fetch(`${this.baseUrl}${path}`, {
      headers: {
        ...(presented ? { authorization: `Bearer ${presented}` } : {}),
        ...(organization === undefined || own ? {} : { [ORGANIZATION_HEADER]: organization }),
      },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : null) as T,
      type: response.headers.get('content-type') ?? '',
    };
  }

  private hasToken(organization: string): boolean {
    try {
      this.tokens.of(organization);
      return true;
    } catch {
      return false;
    }
  }

  async count(table: string, where: string, parameters: unknown[]): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${this.schema}".${table} WHERE ${where}`,
      parameters,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async tearDown(): Promise<void> {
    await this.stop().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.deleteGroups([this.group]).catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    await this.db.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`).catch(() => undefined);
    await this.db.end().catch(() => undefined);
  }
}
