import { createServer as createHttpServer, IncomingMessage, Server } from 'node:http';
import type { Kafka, Producer } from 'kafkajs';
import type { Client } from 'pg';
import type { DeviceEventRecord, TaskEventRecord, UplinkRecord } from '@dock/contracts';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { generatedToken } from '../../support/api-tokens';
import { encodeRecord } from '@dock/kafka';
import { loadConfig, RunningService } from '@dock/platform';
import type { AlertsTopics } from '../../../apps/alerts/src/adapters/kafka/alerts-topics';
import { AlertsConfig, alertsConfigSchema } from '../../../apps/alerts/src/alerts.config';
import { AlertsModule } from '../../../apps/alerts/src/alerts.module';
import { alertsService } from '../../../apps/alerts/src/alerts.service-definition';
import { verifyWebhook } from '../../../apps/alerts/src/domain/webhooks/signature';
import { uniqueName } from '../../support/infra-settings';
import {
  dropTestResources,
  freePort,
  startServiceUnderTest,
  testDb,
  testKafka,
  serviceTestEnv,
} from '../../support/service-under-test';

/** The default organization's token, generated per run. */
export const TEST_TOKEN = generatedToken('alerts');
/** An admin token: a request naming an organization (X-Organization-Id) acts there with it. */
export const TEST_ADMIN_TOKEN = generatedToken('alerts-admin');

export interface RunningAlertsService {
  running: RunningService;
  config: AlertsConfig;
  topics: AlertsTopics;
  schema: string;
  baseUrl: string;
  kafka: Kafka;
  producer: Producer;
  db: Client;
  api(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }>;
  sendUplink(record: Partial<UplinkRecord> & { gatewaySn: string; method: string }): Promise<void>;
  sendTaskEvent(record: TaskEventRecord): Promise<void>;
  /** A registry.device-events record as the registry writes it (defaults: the dock's binding). */
  sendDeviceEvent(
    record: Partial<DeviceEventRecord> & Pick<DeviceEventRecord, 'kind' | 'gatewaySn'>,
  ): Promise<void>;
  sendJson(topic: string, key: string, value: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The alerts service as it runs in production (same module, config schema and OpenAPI setup),
 * on its own schema, topics and consumer groups, so runs never meet. Private webhook targets
 * are allowed: the receivers listen on loopback.
 */
export async function startAlertsService(
  env: Record<string, string> = {},
  /** Topics shared with another component under test (e.g. the gateway's events topic). */
  shared: Partial<AlertsTopics> = {},
): Promise<RunningAlertsService> {
  const schema = uniqueName('alerts_test', '_');
  const topics: AlertsTopics = {
    uplinkEvents: uniqueName('alerts-uplink-events'),
    taskEvents: uniqueName('alerts-task-events'),
    deviceEvents: uniqueName('alerts-device-events'),
    hmsAlerts: uniqueName('alerts-hms'),
    ...shared,
  };
  const port = await freePort();
  const config = loadConfig(alertsConfigSchema, {
    ...serviceTestEnv(port, schema),
    ALERTS_KAFKA_GROUP_PREFIX: uniqueName('alerts'),
    ALERTS_WEBHOOK_ALLOW_PRIVATE: 'true',
    API_TOKENS: `${DEFAULT_ORGANIZATION_ID}:${TEST_TOKEN}`,
    ADMIN_API_TOKENS: TEST_ADMIN_TOKEN,
    ...env,
  });
  const running = await startServiceUnderTest({
    definition: alertsService,
    config,
    port,
    module: (logger, checks) => AlertsModule.register(config, logger, checks, { topics }),
    shutdownTimeoutMs: 10_000,
  });
  const kafka = testKafka('alerts-test');
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const db = await testDb();
  const baseUrl = `http://127.0.0.1:${port}`;
  const sendJson = async (topic: string, key: string, value: unknown) => {
    await producer.send({ topic, messages: [encodeRecord(key, value)] });
  };
  return {
    running,
    config,
    topics,
    schema,
    baseUrl,
    kafka,
    producer,
    db,
    async api(path, init = {}) {
      const named = (init.headers as Record<string, string> | undefined)?.['X-Organization-Id'];
      const response = await fetch(`${baseUrl}${path}`, {
        ...init,
        headers: {
          // Naming an organization: the admin token acts there; else the default's token.
          Authorization: `Bearer ${named === undefined ? TEST_TOKEN : TEST_ADMIN_TOKEN}`,
          'Content-Type': 'application/json',
          ...(init.headers as Record<string, string> | undefined),
        },
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    async sendUplink(partial) {
      const now = Date.now();
      const record: UplinkRecord = {
        schemaVersion: 1,
        family: 'events',
        tid: uniqueName('tid'),
        bid: uniqueName('bid'),
        timestamp: now,
        needReply: false,
        known: true,
        receivedAt: now,
        data: {},
        ...partial,
      };
      await sendJson(topics.uplinkEvents, record.gatewaySn, record);
    },
    async sendTaskEvent(record) {
      await sendJson(topics.taskEvents, record.gatewaySn, record);
    },
    async sendDeviceEvent(partial) {
      const record: DeviceEventRecord = {
        schemaVersion: 1,
        deviceSn: partial.gatewaySn,
        role: partial.deviceSn && partial.deviceSn !== partial.gatewaySn ? 'sub_device' : 'gateway',
        organizationId: null,
        modelKey: null,
        model: null,
        callsign: null,
        cause: 'test',
        at: Date.now(),
        ...partial,
      };
      await sendJson(topics.deviceEvents, record.gatewaySn, record);
    },
    sendJson,
    async stop() {
      await running.shutdown('test finished');
      await producer.disconnect();
      const own = Object.entries(topics)
        .filter(([name]) => !(name in shared))
        .map(([, topic]) => topic);
      await dropTestResources(db, kafka, schema, own);
    },
  };
}

export interface ReceivedWebhook {
  id: string;
  type: string;
  attempt: number;
  verified: boolean;
  body: {
    id: string;
    type: string;
    gatewaySn: string;
    flightId: string | null;
    data: Record<string, unknown>;
  };
}

/**
 * A local webhook receiver that verifies every signature as a customer's would. `fail` says
 * whether to answer 500 (a receiver that is down); only 2xx answers count as received.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  failures = 0;
  fail = false;
  private server: Server | undefined;
  secret = '';

  async start(): Promise<string> {
    this.server = createHttpServer((req, res) => {
      void readBody(req).then((body) => {
        if (this.fail) {
          this.failures += 1;
          res.writeHead(500).end('receiver down');
          return;
        }
        const verified = verifyWebhook(
          this.secret,
          {
            timestamp: req.headers['x-dock-webhook-timestamp'] as string | undefined,
            signature: req.headers['x-dock-webhook-signature'] as string | undefined,
          },
          body,
          Math.floor(Date.now() / 1000),
        );
        const parsed = JSON.parse(body) as ReceivedWebhook['body'];
        this.received.push({
          id: req.headers['x-dock-webhook-id'] as string,
          type: req.headers['x-dock-webhook-event'] as string,
          attempt: Number(req.headers['x-dock-webhook-attempt']),
          verified,
          body: parsed,
        });
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `http://127.0.0.1:${port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
