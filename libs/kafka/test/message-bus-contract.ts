// The MessageBus contract: one suite, run against every adapter (Kafka in
// test/integration/message-bus-kafka.integration-spec.ts, the in-process bus in
// libs/kafka/src/in-process/in-process-bus.integration-spec.ts). What the services count on.
import pino from 'pino';
import { Registry } from 'prom-client';
import { consumerDeadLetterRecordSchema } from '@dock/contracts';
import type { ConsumedRecord, MessageBus, RunningConsumer } from '../src';
import { encodeRecord, guardConsumers, headerString } from '../src';
import { eventually } from '../../../test/support/eventually';

export interface BusContractSubject {
  /** A bus for one test; the suite closes it. */
  bus(): Promise<MessageBus>;
  /** A topic or group name no other run uses. */
  name(prefix: string): string;
  /** How long to wait for asynchronous outcomes (Kafka rebalances take seconds). */
  timeoutMs: number;
}

const logger = pino({ level: 'silent' });

function numbers(records: readonly ConsumedRecord[]): number[] {
  return records.map((r) => (JSON.parse(r.message.value?.toString() ?? 'null') as { n: number }).n);
}

export function defineMessageBusContract(subject: BusContractSubject): void {
  let bus: MessageBus;
  const running: RunningConsumer[] = [];
  const timeoutMs = subject.timeoutMs;

  beforeEach(async () => {
    bus = await subject.bus();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
    await bus.close();
  });

  async function subscribe(
    settings: Omit<Parameters<MessageBus['subscribe']>[0], 'logger'>,
  ): Promise<RunningConsumer> {
    const consumer = await bus.subscribe({ sessionTimeoutMs: 6_000, ...settings, logger });
    running.push(consumer);
    await consumer.joined;
    return consumer;
  }

  it('creates topics idempotently and answers its readiness check', async () => {
    const topic = subject.name('bus-topics');
    await bus.ensureTopics([{ topic, numPartitions: 3 }]);
    await expect(bus.ensureTopics([{ topic, numPartitions: 3 }])).resolves.toBeUndefined();
    await expect(bus.check()).resolves.toBeUndefined();
  });

  it('acknowledges each send, keeps per-key order, and hands keys, values and headers over', async () => {
    const topic = subject.name('bus-order');
    await bus.ensureTopics([{ topic, numPartitions: 3 }]);
    const producer = bus.createProducer({ lingerMs: 2, maxBatchRecords: 100 });
    await producer.connect();
    expect(producer.connected).toBe(true);
    const sends: Promise<void>[] = [];
    for (let n = 0; n < 300; n++) {
      const key = `dock-${n % 7}`;
      sends.push(producer.send(topic, encodeRecord(key, { n, key }, { tid: `t-${n}` })));
    }
    await Promise.all(sends);
    expect(producer.waiting).toBe(0);

    const seen: ConsumedRecord[] = [];
    await subscribe({
      groupId: subject.name('bus-order'),
      topics: [topic],
      handleBatch: async (records) => {
        seen.push(...records);
      },
    });
    await eventually(() => expect(seen).toHaveLength(300), { timeoutMs });
    const byKey = new Map<string, number[]>();
    const partitionOfKey = new Map<string, number>();
    for (const record of seen) {
      const value = JSON.parse(record.message.value?.toString() ?? '{}') as {
        n: number;
        key: string;
      };
      expect(record.message.key?.toString()).toBe(value.key);
      expect(headerString(record.message.headers, 'tid')).toBe(`t-${value.n}`);
      expect(headerString(record.message.headers, 'schema-version')).toBe('1');
      expect(Number(record.message.timestamp)).toBeGreaterThan(0);
      expect(partitionOfKey.get(value.key) ?? record.partition).toBe(record.partition);
      partitionOfKey.set(value.key, record.partition);
      byKey.set(value.key, [...(byKey.get(value.key) ?? []), value.n]);
    }
    for (const sequence of byKey.values()) {
      expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
    }
    await producer.disconnect();
  });

  it('commits only after the handler succeeds: a failed batch comes again, a new member resumes after the commit', async () => {
    const topic = subject.name('bus-redeliver');
    const groupId = subject.name('bus-redeliver');
    await bus.ensureTopics([{ topic, numPartitions: 1 }]);
    const producer = bus.createProducer();
    await producer.connect();
    await producer.sendAll([1, 2, 3].map((n) => ({ topic, message: encodeRecord('k', { n }) })));

    let attempts = 0;
    const handled: number[] = [];
    const first = await subscribe({
      groupId,
      topics: [topic],
      handleBatch: async (records) => {
        attempts++;
        if (attempts === 1) throw new Error('database down');
        handled.push(...numbers(records));
      },
    });
    await eventually(() => expect(handled).toEqual([1, 2, 3]), { timeoutMs });
    expect(attempts).toBeGreaterThanOrEqual(2);
    await first.stop();
    running.splice(running.indexOf(first), 1);

    await producer.send(topic, encodeRecord('k', { n: 4 }));
    const resumed: number[] = [];
    await subscribe({
      groupId,
      topics: [topic],
      handleBatch: async (records) => {
        resumed.push(...numbers(records));
      },
    });
    await eventually(() => expect(resumed).toEqual([4]), { timeoutMs });
    await producer.disconnect();
  });

  it('spreads the partitions of a group over its members: every record handled once', async () => {
    const topic = subject.name('bus-group');
    const groupId = subject.name('bus-group');
    await bus.ensureTopics([{ topic, numPartitions: 4 }]);
    const byMember: number[][] = [[], []];
    for (const member of [0, 1]) {
      await subscribe({
        groupId,
        topics: [topic],
        handleBatch: async (records) => {
          byMember[member].push(...numbers(records));
        },
      });
    }
    // Kafka rebalances when the second member joins: let the group settle before producing.
    await new Promise((resolve) => setTimeout(resolve, subject.timeoutMs / 10));
    const producer = bus.createProducer();
    await producer.connect();
    await producer.sendAll(
      Array.from({ length: 200 }, (_, n) => ({
        topic,
        message: encodeRecord(`dock-${n % 20}`, { n }),
      })),
    );
    await eventually(() => expect(new Set([...byMember[0], ...byMember[1]]).size).toBe(200), {
      timeoutMs,
    });
    expect(byMember[0].length).toBeGreaterThan(0);
    expect(byMember[1].length).toBeGreaterThan(0);
    expect(byMember[0].filter((n) => byMember[1].includes(n))).toEqual([]);
    await producer.disconnect();
  });

  it('starts a non-committing (live) subscription at the end of the log', async () => {
    const topic = subject.name('bus-live');
    await bus.ensureTopics([{ topic, numPartitions: 2 }]);
    const producer = bus.createProducer();
    await producer.connect();
    await producer.sendAll([1, 2].map((n) => ({ topic, message: encodeRecord(`k${n}`, { n }) })));
    const seen: number[] = [];
    await subscribe({
      groupId: subject.name('bus-live'),
      topics: [topic],
      commit: false,
      maxWaitTimeMs: 100,
      handleBatch: async (records) => {
        seen.push(...numbers(records));
      },
    });
    // Kafka resolves "latest" at the first fetch after the join: give it that moment.
    await new Promise((resolve) => setTimeout(resolve, subject.timeoutMs / 10));
    await producer.sendAll([3, 4].map((n) => ({ topic, message: encodeRecord(`k${n}`, { n }) })));
    await eventually(() => expect([...seen].sort()).toEqual([3, 4]), { timeoutMs });
    await producer.disconnect();
  });

  describe('through guardConsumers (every service consumes this way)', () => {
    const permanent = (): Error =>
      Object.assign(new Error('invalid byte sequence for encoding "UTF8"'), { code: '22P05' });
    const transient = (): Error =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

    /** Every record of the dead-letter topic, read by a group of its own. */
    async function deadLetters(topic: string): Promise<ConsumedRecord[]> {
      const seen: ConsumedRecord[] = [];
      await subscribe({
        groupId: subject.name('bus-dl-reader'),
        topics: [topic],
        fromBeginning: true,
        handleBatch: async (records) => {
          seen.push(...records);
        },
      });
      return seen;
    }

    it('sends a record that keeps failing alone to the dead-letter topic; the partition moves on', async () => {
      const topic = subject.name('bus-poison');
      const deadLetterTopic = subject.name('bus-poison-dl');
      const registry = new Registry();
      const guarded = guardConsumers(bus, {
        service: 'contract',
        deadLetterTopic,
        logger,
        registry,
        retryBackoffMs: 5,
      });
      await bus.ensureTopics([{ topic, numPartitions: 1 }]);
      const producer = bus.createProducer();
      await producer.connect();
      await producer.sendAll(
        [1, 2, 3, 4, 5].map((n) => ({
          topic,
          message: encodeRecord('dock-1', { n }, { tid: `t${n}` }),
        })),
      );
      const handled: number[] = [];
      const attemptsOfPoison: number[] = [];
      const consumer = await guarded.subscribe({
        groupId: subject.name('bus-poison'),
        topics: [topic],
        logger,
        handleBatch: async (records) => {
          // Like a database transaction: all or nothing.
          if (numbers(records).includes(3)) {
            attemptsOfPoison.push(records.length);
            throw permanent();
          }
          handled.push(...numbers(records));
        },
      });
      running.push(consumer);
      await consumer.joined;
      await eventually(() => expect([...new Set(handled)].sort()).toEqual([1, 2, 4, 5]), {
        timeoutMs,
      });
      // Tried alone exactly maxAttempts (3) times, after the batches that held it.
      expect(attemptsOfPoison.filter((size) => size === 1)).toHaveLength(3);

      const letters = await deadLetters(deadLetterTopic);
      await eventually(() => expect(letters).toHaveLength(1), { timeoutMs });
      const letter = consumerDeadLetterRecordSchema.parse(
        JSON.parse(letters[0].message.value?.toString() ?? 'null'),
      );
      expect(letter).toMatchObject({
        service: 'contract',
        topic,
        partition: 0,
        attempts: 3,
        error: { message: 'invalid byte sequence for encoding "UTF8"', code: '22P05' },
      });
      expect(Buffer.from(letter.value ?? '', 'base64').toString()).toBe(JSON.stringify({ n: 3 }));
      expect(Buffer.from(letter.key ?? '', 'base64').toString()).toBe('dock-1');
      expect(Buffer.from(letter.headers.tid[0], 'base64').toString()).toBe('t3');
      expect(letters[0].message.key?.toString()).toBe('dock-1');

      // The partition moved on: a new record goes straight through, and nothing is stuck.
      await producer.send(topic, encodeRecord('dock-1', { n: 6 }));
      await eventually(() => expect(handled).toContain(6), { timeoutMs });
      await expect(guarded.checkConsumers()).resolves.toBeUndefined();
      const metrics = await registry.metrics();
      expect(metrics).toMatch(/contract_consumer_records_dead_lettered_total\{[^}]*\} 1\n/);
      expect(metrics).toMatch(/contract_consumer_records_retried_total\{[^}]*\} [1-9]/);
      expect(metrics).toMatch(
        new RegExp(`contract_consumer_lag\\{[^}]*topic="${topic}"[^}]*\\} 0\\n`),
      );
      await producer.disconnect();
    });

    it('retries a transient failure without limit and dead-letters nothing; readiness names the stuck partition meanwhile', async () => {
      const topic = subject.name('bus-outage');
      const deadLetterTopic = subject.name('bus-outage-dl');
      const groupId = subject.name('bus-outage');
      const guarded = guardConsumers(bus, {
        service: 'contract',
        deadLetterTopic,
        logger,
        retryBackoffMs: 5,
        stuckAfterMs: 200,
      });
      await bus.ensureTopics([{ topic, numPartitions: 1 }]);
      const producer = bus.createProducer();
      await producer.connect();
      await producer.sendAll([1, 2, 3].map((n) => ({ topic, message: encodeRecord('k', { n }) })));
      let databaseDown = true;
      let failures = 0;
      const handled: number[] = [];
      const consumer = await guarded.subscribe({
        groupId,
        topics: [topic],
        logger,
        handleBatch: async (records) => {
          if (databaseDown) {
            failures++;
            throw transient();
          }
          handled.push(...numbers(records));
        },
      });
      running.push(consumer);
      await consumer.joined;
      await eventually(
        () =>
          expect(guarded.checkConsumers()).rejects.toThrow(
            new RegExp(`group ${groupId} ${topic}\\[0\\] at offset \\d+ .*ECONNREFUSED`),
          ),
        { timeoutMs },
      );
      // More failures than a poison record would get: a transient failure is not bounded.
      await eventually(() => expect(failures).toBeGreaterThan(3), { timeoutMs });
      databaseDown = false;
      await eventually(() => expect([...new Set(handled)].sort()).toEqual([1, 2, 3]), {
        timeoutMs,
      });
      await expect(guarded.checkConsumers()).resolves.toBeUndefined();
      expect(await deadLetters(deadLetterTopic)).toEqual([]);
      await producer.disconnect();
    });
  });
}
