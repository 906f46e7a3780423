import { Registry } from 'prom-client';
import { ensureTopics, createKafkaClient } from '@dock/kafka';
import { createLogger } from '@dock/platform';
import { GatewayConfig, gatewayConfigSchema } from '../../../../apps/gateway/src/gateway.config';
import { GatewayRuntime } from '../../../../apps/gateway/src/gateway-runtime';
import { createGatewayParts } from '../../../../apps/gateway/src/gateway-parts';
import {
  allGatewayTopics,
  GATEWAY_TOPICS,
  GatewayTopics,
} from '../../../../apps/gateway/src/domain/shared/gateway-topics';
import { infraSettings, uniqueName } from '../../../support/infra-settings';

export const testLogger = createLogger({
  service: 'gateway-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});

/** A kafkajs client on the shared broker, with the tests' logger. */
export function testKafkaClient(clientId: string): ReturnType<typeof createKafkaClient> {
  return createKafkaClient({ brokers: infraSettings.kafkaBrokers, clientId, logger: testLogger });
}

/** Topics of this run only (`dock.uplink.events.<run>`...), so runs never see each other. */
export function testTopics(run: string): GatewayTopics {
  const suffix = (topic: string): string => `${topic}.${run}`;
  return {
    uplink: {
      events: suffix(GATEWAY_TOPICS.uplink.events),
      services_reply: suffix(GATEWAY_TOPICS.uplink.services_reply),
      requests: suffix(GATEWAY_TOPICS.uplink.requests),
      osd: suffix(GATEWAY_TOPICS.uplink.osd),
      state: suffix(GATEWAY_TOPICS.uplink.state),
      status: suffix(GATEWAY_TOPICS.uplink.status),
    },
    deadLetter: suffix(GATEWAY_TOPICS.deadLetter),
    commands: suffix(GATEWAY_TOPICS.commands),
    commandReplies: suffix(GATEWAY_TOPICS.commandReplies),
    requestReplies: suffix(GATEWAY_TOPICS.requestReplies),
  };
}

/** The contract's name of a test topic (`dock.uplink.events.<run>` -> `dock.uplink.events`). */
export function canonicalTopic(topic: string, run: string): string {
  return topic.endsWith(`.${run}`) ? topic.slice(0, -run.length - 1) : topic;
}

export async function createTestTopics(topics: GatewayTopics): Promise<void> {
  const kafka = testKafkaClient('gateway-test-admin');
  await ensureTopics(
    kafka,
    allGatewayTopics(topics).map((topic) => ({ topic, numPartitions: 3 })),
  );
}

export async function deleteTestTopics(topics: GatewayTopics): Promise<void> {
  const kafka = testKafkaClient('gateway-test-admin');
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: allGatewayTopics(topics) }).catch(() => undefined);
  await admin.disconnect();
}

/** Settings shared by the replicas of one test run (same group, same Redis namespace). */
export interface ReplicaGroup {
  readonly run: string;
  readonly topics: GatewayTopics;
  readonly env: Record<string, string>;
}

export function replicaGroup(prefix: string, env: Record<string, string> = {}): ReplicaGroup {
  const run = uniqueName(prefix).replace(/[^a-z0-9-]/g, '');
  return {
    run,
    topics: testTopics(run),
    env: {
      MQTT_URL: infraSettings.mqttUrl,
      KAFKA_BROKERS: infraSettings.kafkaBrokers.join(','),
      REDIS_URL: infraSettings.redisUrl,
      GATEWAY_SHARE_GROUP: run,
      GATEWAY_REDIS_PREFIX: `it:${run}`,
      GATEWAY_COMMANDS_GROUP_ID: `${run}-commands`,
      GATEWAY_REQUEST_REPLIES_GROUP_ID: `${run}-request-replies`,
      GATEWAY_CREATE_TOPICS: 'false',
      GATEWAY_MQTT_CONNECTIONS: '8',
      // Sessions of test replicas must not outlive the test by much.
      MQTT_SESSION_EXPIRY_S: '120',
      GATEWAY_SWEEP_INTERVAL_MS: '100',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...env,
    },
  };
}

export function replicaConfig(
  group: ReplicaGroup,
  instanceId: string,
  env: Record<string, string> = {},
): GatewayConfig {
  return gatewayConfigSchema.parse({
    ...group.env,
    GATEWAY_INSTANCE_ID: `${group.run}-${instanceId}`,
    ...env,
  });
}

export interface StartedReplica {
  readonly runtime: GatewayRuntime;
  readonly registry: Registry;
  /** A counter's total over its labels matching `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
}

/** A gateway replica in this process, with real MQTT, Kafka and Redis. */
export async function startReplica(
  group: ReplicaGroup,
  instanceId: string,
  env: Record<string, string> = {},
): Promise<StartedReplica> {
  const registry = new Registry();
  const runtime = new GatewayRuntime(
    createGatewayParts({
      config: replicaConfig(group, instanceId, env),
      logger: testLogger,
      registry,
      topics: group.topics,
    }),
  );
  await runtime.start();
  await runtime.consumersJoined();
  return {
    runtime,
    registry,
    async metric(name, labels = {}) {
      const metric = registry.getSingleMetric(name);
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      return values
        .filter((value) =>
          Object.entries(labels).every(([label, wanted]) => String(value.labels[label]) === wanted),
        )
        .reduce((sum, value) => sum + value.value, 0);
    },
  };
}
