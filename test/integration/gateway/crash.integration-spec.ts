// No loss: two gateway replicas as separate processes share a stream of 10,000 QoS 1 messages;
// one is killed with SIGKILL in the middle and restarted with the same instance id (as a
// StatefulSet pod is). Every message must be in Kafka, found by its tid.
import { ChildProcess } from 'node:child_process';
import mqtt from 'mqtt';
import { eventually } from '../../support/eventually';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import { createTestTopics, deleteTestTopics, replicaGroup } from './support/gateway-harness';
import { KafkaCollector } from './support/kafka-collector';
import { spawnReplica } from './support/spawn-replica';

jest.setTimeout(150_000);

const MESSAGES = 10_000;
const DOCKS = 50;
const group = replicaGroup('it-gw-crash', { GATEWAY_MQTT_CONNECTIONS: '16' });
const kafka = new KafkaCollector();
const children: ChildProcess[] = [];

beforeAll(async () => {
  await createTestTopics(group.topics);
  await kafka.start([group.topics.uplink.events]);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await kafka.stop();
  await deleteTestTopics(group.topics);
});

it('loses nothing when a replica is SIGKILLed during a stream of 10,000 QoS 1 messages', async () => {
  await Promise.all([spawnReplica(group, 'a', children), spawnReplica(group, 'b', children)]);
  const victim = children[1];
  const publisher = await mqtt.connectAsync(infraSettings.mqttUrl, {
    protocolVersion: 5,
    clientId: uniqueName('it-crash-pub'),
    clean: true,
  });
  const snPrefix = `K${group.run}`.slice(-40);
  const started = Date.now();
  // The broker is shared: other tests' docks may publish too, so count only this test's docks.
  const ours = () =>
    kafka.on(group.topics.uplink.events, (r) => r.key?.startsWith(`${snPrefix}-`) ?? false);
  const inKafka = () => ours().length;
  const publishOne = async (i: number): Promise<void> => {
    const sn = `${snPrefix}-${i % DOCKS}`;
    const payload = JSON.stringify({
      tid: `${group.run}-${i}`,
      bid: 'flight',
      timestamp: Date.now(),
      method: 'flighttask_progress',
      data: {
        result: 0,
        output: { status: 'in_progress', progress: { current_step: 27, percent: i % 100 } },
      },
    });
    await publisher.publishAsync(`thing/product/${sn}/events`, payload, { qos: 1 });
  };
  const publishing = (async () => {
    // 100 publishes in flight at a time: a steady stream rather than one burst.
    for (let next = 0; next < MESSAGES; next += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, k) => publishOne(next + k)));
    }
  })();
  // Kill while the replicas are busy: a fifth of the stream is through, the rest is not.
  await eventually(() => expect(inKafka()).toBeGreaterThanOrEqual(MESSAGES / 5), {
    timeoutMs: 60_000,
    intervalMs: 5,
  });
  const inKafkaAtKill = inKafka();
  const exited = new Promise((resolve) => victim.once('exit', resolve));
  victim.kill('SIGKILL');
  await exited;
  // Restarted with the same instance id (a StatefulSet pod): it resumes its MQTT sessions.
  await spawnReplica(group, 'b', children);
  await publishing;
  await publisher.endAsync();

  const tids = await eventually(
    () => {
      const seen = new Set(ours().map((record) => String(record.value.tid)));
      expect(seen.size).toBe(MESSAGES);
      return seen;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  for (let i = 0; i < MESSAGES; i++) expect(tids.has(`${group.run}-${i}`)).toBe(true);
  const total = inKafka();
  // The kill came mid-stream: most of the stream was not in Kafka yet.
  expect(inKafkaAtKill).toBeLessThan(MESSAGES / 2);
  // Redelivered after the kill: duplicates keep their tid (consumers drop them by tid).
  process.stdout.write(
    `crash test: ${MESSAGES} messages in Kafka after ${Date.now() - started} ms, ` +
      `${total - MESSAGES} redelivered duplicates, ${inKafkaAtKill} in Kafka at the kill\n`,
  );
});
