// The in-process bus of the embedded mode: the MessageBus contract (memory-only and with a
// data directory), then what only it promises: the log and the offsets survive a restart.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { encodeRecord } from '../record-codec';
import { defineMessageBusContract } from '../../test/message-bus-contract';
import { eventually } from '../../../../test/support/eventually';
import { InProcessBus, partitionFor } from './in-process-bus';

const logger = pino({ level: 'silent' });
const name = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'bus-'));
}

describe('InProcessBus (memory only) honours the MessageBus contract', () => {
  defineMessageBusContract({
    bus: () => InProcessBus.open({ logger, retryBackoffMs: 20 }),
    name,
    timeoutMs: 5_000,
  });
});

describe('InProcessBus (with a data directory) honours the MessageBus contract', () => {
  defineMessageBusContract({
    bus: async () => InProcessBus.open({ logger, dataDir: await tempDir(), retryBackoffMs: 20 }),
    name,
    timeoutMs: 5_000,
  });
});

describe('InProcessBus with a data directory', () => {
  it('keeps acknowledged records and committed offsets across a restart', async () => {
    const dataDir = await tempDir();
    const first = await InProcessBus.open({ logger, dataDir });
    await first.ensureTopics([{ topic: 'orders', numPartitions: 3 }]);
    const producer = first.createProducer();
    await producer.sendAll(
      [1, 2, 3, 4].map((n) => ({ topic: 'orders', message: encodeRecord(`k${n}`, { n }) })),
    );
    const handled: number[] = [];
    const consumer = await first.subscribe({
      groupId: 'g',
      topics: ['orders'],
      logger,
      handleBatch: async (records) => {
        for (const r of records)
          handled.push((JSON.parse(String(r.message.value)) as { n: number }).n);
      },
    });
    await eventually(() => expect(handled.sort()).toEqual([1, 2, 3, 4]));
    await consumer.stop();
    await producer.sendAll(
      [5, 6].map((n) => ({ topic: 'orders', message: encodeRecord(`k${n}`, { n }) })),
    );
    await first.close();

    const second = await InProcessBus.open({ logger, dataDir });
    const afterRestart: number[] = [];
    const resumed = await second.subscribe({
      groupId: 'g',
      topics: ['orders'],
      logger,
      handleBatch: async (records) => {
        for (const r of records)
          afterRestart.push((JSON.parse(String(r.message.value)) as { n: number }).n);
      },
    });
    await eventually(() => expect(afterRestart.sort()).toEqual([5, 6]));
    // What every group had consumed was let go at the restart; offsets go on where they were.
    const kept: { n: number; offset: number }[] = [];
    const fresh = await second.subscribe({
      groupId: 'g2',
      topics: ['orders'],
      logger,
      handleBatch: async (records) => {
        for (const r of records)
          kept.push({
            n: (JSON.parse(String(r.message.value)) as { n: number }).n,
            offset: Number(r.offset),
          });
      },
    });
    await eventually(() => expect(kept.map((k) => k.n)).toEqual(expect.arrayContaining([5, 6])));
    expect(kept.length).toBeLessThan(6);
    expect(Math.max(...kept.map((k) => k.offset))).toBeGreaterThan(0);
    await resumed.stop();
    await fresh.stop();
    await second.close();
  });

  it('drops a torn last line (a crash mid-write) and goes on from the last whole record', async () => {
    const dataDir = await tempDir();
    const bus = await InProcessBus.open({ logger, dataDir });
    await bus.ensureTopics([{ topic: 't', numPartitions: 1 }]);
    await bus.createProducer().send('t', encodeRecord('k', { n: 1 }));
    await bus.close();
    const file = path.join(dataDir, 'log', 't', '0.jsonl');
    await fs.appendFile(file, '{"o":1,"t":1,"k":nul');

    const reopened = await InProcessBus.open({ logger, dataDir });
    await reopened.createProducer().send('t', encodeRecord('k', { n: 2 }));
    const offsets: string[] = [];
    const consumer = await reopened.subscribe({
      groupId: 'g',
      topics: ['t'],
      logger,
      handleBatch: async (records) => {
        offsets.push(...records.map((r) => r.offset));
      },
    });
    await eventually(() => expect(offsets).toEqual(['0', '1']));
    await consumer.stop();
    await reopened.close();
  });

  it('refuses records for a topic nobody created', async () => {
    const bus = await InProcessBus.open({ logger });
    await expect(bus.createProducer().send('missing', encodeRecord('k', {}))).rejects.toThrow(
      /unknown topic/,
    );
    await bus.close();
  });

  it('keeps what a group has not consumed and drops the rest past the record limit', async () => {
    const dataDir = await tempDir();
    const bus = await InProcessBus.open({ logger, dataDir, maxRecordsPerPartition: 10 });
    await bus.ensureTopics([{ topic: 't', numPartitions: 1 }]);
    const producer = bus.createProducer();
    await producer.sendAll(
      Array.from({ length: 30 }, (_, n) => ({ topic: 't', message: encodeRecord('k', { n }) })),
    );
    await bus.applyRetention();
    const offsets: number[] = [];
    const consumer = await bus.subscribe({
      groupId: 'late',
      topics: ['t'],
      logger,
      handleBatch: async (records) => {
        offsets.push(...records.map((r) => Number(r.offset)));
      },
    });
    await eventually(() => expect(offsets).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i)));
    await consumer.stop();
    await bus.close();
  });

  it('sends one key to one partition', () => {
    expect(partitionFor('SN-1', 6, 0)).toBe(partitionFor(Buffer.from('SN-1'), 6, 5));
    expect(partitionFor(null, 6, 7)).toBe(1);
  });
});
