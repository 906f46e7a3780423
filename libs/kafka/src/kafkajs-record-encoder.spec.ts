import {
  encodeRecordBatch,
  installRecordBatchEncoder,
  kafkajsOriginals,
  LazyRecord,
  RecordBatchInput,
  RecordInput,
} from './kafkajs-record-encoder';

/* eslint-disable @typescript-eslint/no-require-imports */
const Long = require('kafkajs/src/utils/long') as { fromValue(v: unknown): unknown };

/** kafkajs 2.2.4's own bytes for a partition's batch (its Record per message, its RecordBatch). */
async function kafkajsBytes(batch: RecordBatchInput, records: RecordInput[]): Promise<Buffer> {
  const encoded = await kafkajsOriginals.RecordBatch({
    ...batch,
    records: records.map((r) => kafkajsOriginals.Record(r)),
  });
  return encoded.buffer;
}

/** Hex strings: jest compares and diffs them far faster than 300 KB Buffers. */
function hex(bytes: Buffer | undefined): string | undefined {
  return bytes?.toString('hex');
}

function ours(batch: RecordBatchInput, records: RecordInput[]): Buffer | undefined {
  return encodeRecordBatch({ ...batch, records: records.map((r) => new LazyRecord(r)) });
}

const idempotent: RecordBatchInput = {
  firstTimestamp: 1_765_000_000_123,
  maxTimestamp: 1_765_000_000_456,
  producerId: Long.fromValue(4_711),
  producerEpoch: 3,
  firstSequence: 123_456,
  lastOffsetDelta: 0,
};

function uplinkRecord(i: number, size: number): RecordInput {
  return {
    offsetDelta: i,
    timestampDelta: i * 3,
    key: `7CTDM3D00BVY${String(i).padStart(2, '0')}`,
    value: Buffer.from(JSON.stringify({ tid: `t-${i}`, data: 'x'.repeat(size) })),
    headers: {
      'schema-version': '1',
      'content-type': 'application/json',
      tid: `t-${i}`,
      method: 'flighttask_progress',
    },
  };
}

describe('one-buffer record batch encoder', () => {
  it.each([
    ['one small record', [uplinkRecord(0, 10)]],
    ['a gateway-sized batch', Array.from({ length: 300 }, (_, i) => uplinkRecord(i, 900))],
    [
      'records over the varint byte boundaries',
      [0, 63, 64, 127, 128, 8_191, 8_192, 20_000].map((size, i) => uplinkRecord(i, size)),
    ],
  ])('writes the bytes kafkajs writes: %s', async (_name, records) => {
    const batch = { ...idempotent, lastOffsetDelta: records.length - 1 };
    expect(hex(ours(batch, records))).toBe(hex(await kafkajsBytes(batch, records)));
  });

  it('writes the bytes kafkajs writes for null, empty, Buffer and unicode keys, values, headers', async () => {
    const records: RecordInput[] = [
      { offsetDelta: 0, key: null, value: null },
      { offsetDelta: 1, key: '', value: '' },
      { offsetDelta: 2, key: Buffer.from([0, 1, 2]), value: 'héllo ✓ 🚁' },
      { offsetDelta: 3, timestampDelta: -5, key: 'ключ', value: Buffer.alloc(0), headers: {} },
      {
        offsetDelta: 4,
        key: 'k',
        value: 'v',
        headers: { multi: ['a', Buffer.from('b')], ünï: 'çödé', empty: '' },
      },
      { offsetDelta: 5, timestampDelta: 2_000_000_000, key: undefined, value: 'no key' },
    ];
    const batch = { ...idempotent, lastOffsetDelta: records.length - 1 };
    expect(hex(ours(batch, records))).toBe(hex(await kafkajsBytes(batch, records)));
  });

  it('writes the bytes kafkajs writes with its defaults and a transactional batch', async () => {
    const records = [uplinkRecord(0, 50), uplinkRecord(1, 50)];
    const fixed = { firstTimestamp: 1, maxTimestamp: 2 };
    expect(hex(ours(fixed, records))).toBe(hex(await kafkajsBytes(fixed, records)));
    const transactional = { ...idempotent, transactional: true, lastOffsetDelta: 1 };
    expect(hex(ours(transactional, records))).toBe(hex(await kafkajsBytes(transactional, records)));
    const stringTimestamp = { ...fixed, firstTimestamp: '1765000000000' };
    expect(hex(ours(stringTimestamp, records))).toBe(
      hex(await kafkajsBytes(stringTimestamp, records)),
    );
  });

  it('leaves compression, timestamp deltas beyond int32 and foreign records to kafkajs', () => {
    const records = [uplinkRecord(0, 10)];
    expect(ours({ ...idempotent, compression: 1 }, records)).toBeUndefined();
    expect(ours(idempotent, [{ ...records[0], timestampDelta: 2 ** 40 }])).toBeUndefined();
    expect(
      encodeRecordBatch({ ...idempotent, records: [kafkajsOriginals.Record(records[0])] }),
    ).toBeUndefined();
  });

  it('a lazy record encodes as kafkajs when asked (the compression path)', () => {
    const record = uplinkRecord(7, 100);
    const lazy = new LazyRecord(record);
    expect(lazy.buffer).toEqual(kafkajsOriginals.Record(record).buffer);
    expect(Buffer.isBuffer(lazy.buf)).toBe(true);
  });

  it('is what kafkajs produce requests use once installed, with the same request bytes', async () => {
    expect(installRecordBatchEncoder()).toBe(true);
    // What the produce request will take from kafkajs's modules is ours.
    const record = require('kafkajs/src/protocol/recordBatch/record/v0') as (
      r: RecordInput,
    ) => unknown;
    expect(record({ key: 'k', value: 'v' })).toBeInstanceOf(LazyRecord);
    const batchModule = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: unknown };
    expect(batchModule.RecordBatch).not.toBe(kafkajsOriginals.RecordBatch);
    const produce = require('kafkajs/src/protocol/requests/produce/v3/request') as (
      args: unknown,
    ) => {
      encode(): Promise<{ buffer: Buffer }>;
    };
    const records = Array.from({ length: 20 }, (_, i) => uplinkRecord(i, 200));
    const topicData = [
      {
        topic: 'dock.uplink.events',
        partitions: [
          {
            partition: 0,
            firstSequence: 10,
            messages: records.slice(0, 12).map((r) => ({ ...r, timestamp: 1_765_000_000_000 })),
          },
          {
            partition: 3,
            firstSequence: 0,
            messages: records.slice(12).map((r) => ({ ...r, timestamp: 1_765_000_000_001 })),
          },
        ],
      },
    ];
    const args = {
      acks: -1,
      timeout: 30_000,
      producerId: Long.fromValue(9),
      producerEpoch: 1,
      topicData,
    };
    const installed = (await produce(args).encode()).buffer;
    // The same request through kafkajs's own encoders: partition by partition.
    const expected = Buffer.concat([
      Buffer.from([0xff, 0xff]), // transactional id: null
      Buffer.from([0xff, 0xff]), // acks -1
      Buffer.from([0, 0, 0x75, 0x30]), // timeout 30000
      Buffer.from([0, 0, 0, 1]), // one topic
      Buffer.from([0, 18]),
      Buffer.from('dock.uplink.events'),
      Buffer.from([0, 0, 0, 2]), // two partitions
      ...(await Promise.all(
        topicData[0].partitions.map(async ({ partition, firstSequence, messages }) => {
          const batch = await kafkajsBytes(
            {
              firstTimestamp: messages[0].timestamp,
              maxTimestamp: messages[0].timestamp,
              producerId: Long.fromValue(9),
              producerEpoch: 1,
              firstSequence,
              transactional: false,
              lastOffsetDelta: messages.length - 1,
            },
            messages.map((m, i) => ({ ...m, offsetDelta: i, timestampDelta: 0 })),
          );
          const head = Buffer.alloc(8);
          head.writeInt32BE(partition, 0);
          head.writeInt32BE(batch.length, 4);
          return Buffer.concat([head, batch]);
        }),
      )),
    ]);
    expect(hex(installed)).toBe(hex(expected));
  });
});
