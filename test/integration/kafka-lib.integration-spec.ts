import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import {
  BatchingProducer,
  ConsumedRecord,
  encodeRecord,
  ensureTopics,
  headerString,
  KafkaBus,
  startConsumer,
  RunningConsumer,
} from '@dock/kafka';
import { eventually } from '../support/eventually';
import { infraSettings, uniqueName } from '../support/infra-settings';

/** libs/kafka against the real broker: acknowledged batching, ordering, commit-after-handle. */
describe('libs/kafka with a real broker', () => {
  const logger = pino({ level: 'silent' });
  const kafka = new Kafka({
    clientId: uniqueName('kafka-lib'),
    brokers: infraSettings.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const topic = uniqueName('kafka-lib');
  let producer: BatchingProducer;
  const consumers: RunningConsumer[] = [];

  beforeAll(async () => {
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
    producer = new BatchingProducer(kafka, { lingerMs: 2, maxBatchRecords: 200 });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.stop()));
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('ensureTopics is idempotent', async () => {
    await expect(ensureTopics(kafka, [{ topic, numPartitions: 3 }])).resolves.toBeUndefined();
  });

  it('resolves each send once acknowledged and keeps per-key order across batches', async () => {
    const sends = [];
    for (let i = 0; i < 1000; i++) {
      const key = `dock-${i % 7}`;
      sends.push(
        producer.send(topic, encodeRecord(key, { i, key }, { tid: `t-${i}`, method: 'm' })),
      );
    }
    await Promise.all(sends);
    expect(producer.waiting).toBe(0);

    const seen: ConsumedRecord[] = [];
    consumers.push(
      await startConsumer(kafka, {
        groupId: uniqueName('order'),
        topics: [topic],
        logger,
        sessionTimeoutMs: 6_000,
        handleBatch: async (records) => {
          seen.push(...records);
        },
      }),
    );
    await eventually(() => expect(seen).toHaveLength(1000), { timeoutMs: 30_000 });
    const byKey = new Map<string, number[]>();
    for (const record of seen) {
      const value = JSON.parse(record.message.value!.toString()) as { i: number; key: string };
      expect(record.message.key!.toString()).toBe(value.key);
      expect(headerString(record.message.headers, 'tid')).toBe(`t-${value.i}`);
      expect(headerString(record.message.headers, 'schema-version')).toBe('1');
      byKey.set(value.key, [...(byKey.get(value.key) ?? []), value.i]);
    }
    for (const indexes of byKey.values()) {
      expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    }
  });

  it('commits only after the handler succeeds, so a failed batch is delivered again', async () => {
    const groupId = uniqueName('redeliver');
    const failTopic = uniqueName('kafka-lib-fail');
    await ensureTopics(kafka, [{ topic: failTopic, numPartitions: 1 }]);
    await producer.sendAll(
      [1, 2, 3].map((n) => ({ topic: failTopic, message: encodeRecord('k', { n }) })),
    );

    let attempts = 0;
    const handled: number[] = [];
    const first = await startConsumer(kafka, {
      groupId,
      topics: [failTopic],
      logger,
      sessionTimeoutMs: 6_000,
      handleBatch: async (records) => {
        attempts++;
        if (attempts === 1) throw new Error('database down');
        handled.push(
          ...records.map((r) => (JSON.parse(r.message.value!.toString()) as { n: number }).n),
        );
      },
    });
    await eventually(() => expect(handled).toEqual([1, 2, 3]), { timeoutMs: 30_000 });
    expect(attempts).toBeGreaterThanOrEqual(2);
    await first.stop();

    // A new member of the same group starts after the committed offset: nothing is re-handled.
    await producer.send(failTopic, encodeRecord('k', { n: 4 }));
    const resumed: number[] = [];
    consumers.push(
      await startConsumer(kafka, {
        groupId,
        topics: [failTopic],
        logger,
        sessionTimeoutMs: 6_000,
        handleBatch: async (records) => {
          resumed.push(
            ...records.map((r) => (JSON.parse(r.message.value!.toString()) as { n: number }).n),
          );
        },
      }),
    );
    await eventually(() => expect(resumed).toEqual([4]), { timeoutMs: 30_000 });
  });

  it('refuses to start on a topic that does not exist, naming the topic and the group', async () => {
    const missing = uniqueName('kafka-lib-missing');
    await expect(
      startConsumer(kafka, {
        groupId: `${missing}-group`,
        topics: [missing],
        logger,
        handleBatch: async () => undefined,
      }),
    ).rejects.toThrow(`consumer group "${missing}-group" cannot subscribe to topic "${missing}"`);
  });

  it('reports a consumer the client gave up on, and the bus check names its group', async () => {
    // A client that never restarts a crashed consumer stands in for one whose retries ran out.
    const givingUp = new Kafka({
      clientId: uniqueName('kafka-lib-give-up'),
      brokers: infraSettings.kafkaBrokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0, restartOnFailure: async () => false },
    });
    const gaveUp: { groupId: string; message: string }[] = [];
    const bus = new KafkaBus(givingUp, {
      onConsumerGaveUp: (groupId, error) => gaveUp.push({ groupId, message: error.message }),
    });
    const brokenTopic = uniqueName('kafka-lib-give-up');
    const groupId = `${brokenTopic}-group`;
    await bus.ensureTopics([{ topic: brokenTopic, numPartitions: 1 }]);
    await producer.send(brokenTopic, encodeRecord('k', { n: 1 }));
    const consumer = await bus.subscribe({
      groupId,
      topics: [brokenTopic],
      logger,
      handleBatch: async () => {
        throw new Error('database down');
      },
    });
    try {
      await eventually(() => expect(gaveUp.map((g) => g.groupId)).toEqual([groupId]), {
        timeoutMs: 30_000,
      });
      await expect(bus.check()).rejects.toThrow(`consumer groups stopped for good: ${groupId}`);
    } finally {
      await consumer.stop();
      await bus.close();
    }
  });

  it('keeps a member whose batch takes longer than the session timeout, and commits it', async () => {
    // Under load a batch can outlast the session: without heartbeats during it the coordinator
    // evicts the member, the commit is refused and kafkajs gives up on the consumer for good.
    const slowTopic = uniqueName('kafka-lib-slow');
    const groupId = `${slowTopic}-group`;
    await ensureTopics(kafka, [{ topic: slowTopic, numPartitions: 1 }]);
    await producer.send(slowTopic, encodeRecord('k', { n: 1 }));
    const gaveUp: Error[] = [];
    const handled: number[] = [];
    const slow = await startConsumer(kafka, {
      groupId,
      topics: [slowTopic],
      logger,
      sessionTimeoutMs: 6_000,
      onGiveUp: (error) => gaveUp.push(error),
      handleBatch: async (records) => {
        await new Promise((resolve) => setTimeout(resolve, 9_000)); // 1.5 sessions
        handled.push(
          ...records.map((r) => (JSON.parse(r.message.value!.toString()) as { n: number }).n),
        );
      },
    });
    await eventually(() => expect(handled).toEqual([1]), { timeoutMs: 30_000 });
    const admin = kafka.admin();
    await admin.connect();
    try {
      // The commit went through: the group's offset is past the record.
      await eventually(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [slowTopic] });
          expect(offsets.partitions[0].offset).toBe('1');
        },
        { timeoutMs: 10_000 },
      );
    } finally {
      await admin.disconnect();
      await slow.stop();
    }
    expect(handled).toEqual([1]); // handled once: no eviction, no redelivery
    expect(gaveUp).toEqual([]);
  });
});
