import pino from 'pino';
import { guardConsumers } from './consumer-guard';
import type { ConsumedRecord } from './message-bus';
import { InProcessBus } from './in-process/in-process-bus';
import { encodeRecord } from './record-codec';

// GuardedBus over the memory-only in-process bus (no I/O); the same behaviour on Kafka is
// covered by the MessageBus contract suite (libs/kafka/test/message-bus-contract.ts).
const logger = pino({ level: 'silent' });
const numbers = (records: readonly ConsumedRecord[]) =>
  records.map((r) => (JSON.parse(String(r.message.value)) as { n: number }).n);

async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 3_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('GuardedBus', () => {
  let bus: InProcessBus;

  beforeEach(async () => {
    bus = await InProcessBus.open({ logger, retryBackoffMs: 10, maxBatchRecords: 16 });
    await bus.ensureTopics([{ topic: 'in', numPartitions: 1 }]);
  });

  afterEach(async () => {
    await bus.close();
  });

  it('narrows a failing batch down to its poison record by halves, keeping the order of the rest', async () => {
    const guarded = guardConsumers(bus, {
      service: 'unit',
      deadLetterTopic: 'dl',
      logger,
      retryBackoffMs: 1,
    });
    await bus
      .createProducer()
      .sendAll(
        Array.from({ length: 16 }, (_, n) => ({ topic: 'in', message: encodeRecord('k', { n }) })),
      );
    const handled: number[] = [];
    let calls = 0;
    const consumer = await guarded.subscribe({
      groupId: 'g',
      topics: ['in'],
      logger,
      handleBatch: async (records) => {
        calls++;
        if (numbers(records).includes(11)) throw new Error('record 11 is bad');
        handled.push(...numbers(records));
      },
    });
    await until(() => handled.length === 15);
    await consumer.stop();
    expect(handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15]);
    // 1 batch + 2 per halving level (16 -> 8 -> 4 -> 2 -> 1) + 2 more attempts of the lone record.
    expect(calls).toBe(1 + 2 * 4 + 2);
  });

  it('reports a handler that does not return as stuck, naming group, topic, partition and offset', async () => {
    let now = 1_000_000;
    const guarded = guardConsumers(bus, {
      service: 'unit',
      deadLetterTopic: 'dl',
      logger,
      stuckAfterMs: 30_000,
      now: () => now,
    });
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const consumer = await guarded.subscribe({
      groupId: 'slow-group',
      topics: ['in'],
      logger,
      handleBatch: async () => {
        started = true;
        await hung;
      },
    });
    await bus.createProducer().send('in', encodeRecord('k', { n: 1 }));
    await until(() => started);
    await expect(guarded.checkConsumers()).resolves.toBeUndefined();
    now += 30_001;
    await expect(guarded.checkConsumers()).rejects.toThrow(
      'consumer stuck: group slow-group in[0] at offset 0 for 30 s',
    );
    await expect(guarded.check()).rejects.toThrow(/slow-group/);
    release();
    await until(
      async () =>
        await guarded.checkConsumers().then(
          () => true,
          () => false,
        ),
    );
    await consumer.stop();
  });
});
