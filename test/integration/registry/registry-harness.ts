import type { Producer } from 'kafkajs';
import type { Client } from 'pg';
import pino from 'pino';
import type { UplinkFamily, UplinkRecord } from '@dock/contracts';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { generatedToken } from '../../support/api-tokens';
import { encodeRecord, RunningConsumer, startConsumer } from '@dock/kafka';
import { loadConfig, RunningService } from '@dock/platform';
import { normaliseUplink } from '@dock/protocol';
import {
  isUplinkFamily,
  toUplinkRecord,
} from '../../../apps/gateway/src/domain/uplink/uplink-records';
import type { RegistryTopics } from '../../../apps/registry/src/adapters/kafka/registry-topics';
import { RegistryConfig, registryConfigSchema } from '../../../apps/registry/src/registry.config';
import { RegistryModule } from '../../../apps/registry/src/registry.module';
import { registryService } from '../../../apps/registry/src/registry.service-definition';
import { uniqueName } from '../../support/infra-settings';
import {
  dropTestResources,
  freePort,
  startServiceUnderTest,
  testDb,
  testKafka,
  serviceTestEnv,
} from '../../support/service-under-test';

/**
 * An admin token (organization management; with X-Organization-Id it acts in that
 * organization), generated per run.
 */
export const TEST_TOKEN = generatedToken('registry-admin');
/** The default organization's token, generated per run. */
export const TEST_ORGANIZATION_TOKEN = generatedToken('registry');

export interface Collected {
  topic: string;
  key: string | undefined;
  headers: Record<string, string>;
  value: Record<string, unknown>;
}

export interface RunningRegistry {
  running: RunningService;
  config: RegistryConfig;
  topics: RegistryTopics;
  schema: string;
  baseUrl: string;
  db: Client;
  /** Every record seen on the replies and device-events topics. */
  collected: Collected[];
  /**
   * Publishes what a dock would send on MQTT as the gateway writes it to Kafka: the raw
   * payload goes through libs/protocol's normaliser and the gateway's record builder.
   */
  fromDock(mqttTopic: string, payload: unknown): Promise<void>;
  /** A record as is (for malformed input the gateway would never write). */
  raw(topic: string, key: string, value: unknown): Promise<void>;
  /**
   * A request record with `data` as given, unchecked: what another producer (or an older
   * gateway) could write, since the gateway itself refuses data libs/protocol refuses.
   */
  requestAsIs(gatewaySn: string, tid: string, method: string, data: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The registry as it runs in production (same module, config schema and OpenAPI setup), on
 * its own schema, topics and consumer groups, against the real PostgreSQL and Kafka.
 */
export async function startRegistry(
  env: Record<string, string> = {},
  /** Another replica of that one: same schema, topics and consumer groups (it owns them). */
  replicaOf?: RunningRegistry,
  /** Topics someone else writes (a real gateway's); default: topics of this run. */
  givenTopics?: RegistryTopics,
): Promise<RunningRegistry> {
  const schema = replicaOf?.schema ?? uniqueName('registry_test', '_');
  const topics: RegistryTopics = replicaOf?.topics ??
    givenTopics ?? {
      requests: uniqueName('reg-requests'),
      requestReplies: uniqueName('reg-replies'),
      status: uniqueName('reg-status'),
      osd: uniqueName('reg-osd'),
      state: uniqueName('reg-state'),
      deviceEvents: uniqueName('reg-device-events'),
    };
  const port = await freePort();
  const config = loadConfig(registryConfigSchema, {
    ...serviceTestEnv(port, schema),
    REGISTRY_KAFKA_GROUP_PREFIX:
      replicaOf?.config.REGISTRY_KAFKA_GROUP_PREFIX ?? uniqueName('registry'),
    API_TOKENS: `${DEFAULT_ORGANIZATION_ID}:${TEST_ORGANIZATION_TOKEN}`,
    ADMIN_API_TOKENS: TEST_TOKEN,
    ...env,
  });
  const running = await startServiceUnderTest({
    definition: registryService,
    config,
    port,
    module: (logger, checks) => RegistryModule.register(config, logger, checks, { topics }),
  });
  const kafka = testKafka('registry-test');
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const collected: Collected[] = [];
  const consumer: RunningConsumer = await startConsumer(kafka, {
    groupId: uniqueName('registry-test-collector'),
    topics: [topics.requestReplies, topics.deviceEvents],
    logger: pino({ level: 'silent' }),
    handleBatch: async (records) => {
      for (const record of records) {
        collected.push({
          topic: record.topic,
          key: record.message.key?.toString(),
          headers: Object.fromEntries(
            Object.entries(record.message.headers ?? {}).map(([k, v]) => [k, String(v)]),
          ),
          value: JSON.parse(record.message.value?.toString() ?? 'null') as Record<string, unknown>,
        });
      }
    },
  });
  const db = await testDb();
  const familyTopic: Record<UplinkFamily, string | undefined> = {
    requests: topics.requests,
    status: topics.status,
    osd: topics.osd,
    state: topics.state,
    events: undefined,
    services_reply: undefined,
  };
  return {
    running,
    config,
    topics,
    schema,
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    collected,
    async fromDock(mqttTopic, payload) {
      const result = normaliseUplink(mqttTopic, JSON.stringify(payload));
      if (!result.ok) throw new Error(`the gateway would refuse this: ${result.error.message}`);
      const { message } = result;
      if (!isUplinkFamily(message.family))
        throw new Error(`not an uplink family: ${message.family}`);
      const topic = familyTopic[message.family];
      if (!topic) throw new Error(`the registry does not read ${message.family}`);
      const record = toUplinkRecord(message as Parameters<typeof toUplinkRecord>[0], Date.now());
      await producer.send({ topic, messages: [encodeRecord(record.gatewaySn, record)] });
    },
    async raw(topic, key, value) {
      await producer.send({ topic, messages: [encodeRecord(key, value)] });
    },
    async requestAsIs(gatewaySn, tid, method, data) {
      const record: UplinkRecord = {
        schemaVersion: 1,
        gatewaySn,
        family: 'requests',
        method,
        tid,
        bid: `bid-${tid}`,
        timestamp: Date.now(),
        needReply: false,
        known: true,
        receivedAt: Date.now(),
        data,
      };
      await producer.send({ topic: topics.requests, messages: [encodeRecord(gatewaySn, record)] });
    },
    async stop() {
      await consumer.stop();
      await producer.disconnect();
      await running.shutdown('test finished');
      if (replicaOf) {
        await db.end();
        return;
      }
      await dropTestResources(db, kafka, schema, Object.values(topics));
    },
  };
}
