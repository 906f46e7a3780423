/**
 * A one-buffer encoder for the record batches of kafkajs's produce requests, installed in place
 * of kafkajs's own (byte for byte the same output, proven in kafkajs-record-encoder.spec.ts).
 *
 * Why: kafkajs encodes every record through several `Encoder`s (the record, one per header,
 * each a zero-filled 512-byte Buffer grown by copying) and every varint through a
 * `Buffer.from([...])`. For the gateway's ~1 KB uplink records that was a quarter of its CPU
 * and most of its garbage (bench/cpuprofile-summary.ts on `bench/gateway-cpu.ts`). Here a
 * partition's batch is sized first and written into one buffer of the exact size.
 *
 * How: produce requests v3..v7 build a batch with `Record(...)` per message and
 * `RecordBatch({...})`, both taken from kafkajs's modules when the request module first loads.
 * Before that, `Record` is replaced by a function returning a lazy record (its kafkajs encoding
 * is produced only if something asks for `buf`/`buffer`: compression, or any caller other than
 * the one-buffer path) and `RecordBatch` by one that encodes uncompressed batches of such
 * records itself and hands anything else (compression, a key of another type, a timestamp
 * delta outside int32) to the original.
 *
 * kafkajs is pinned at exactly 2.2.4 in package.json: this reaches into its internal module
 * layout (src/protocol/recordBatch/...), which a minor release may change. Upgrading means
 * re-running the byte-equality tests against the new version first.
 */
/* eslint-disable @typescript-eslint/no-require-imports */

type Bytes = Buffer | string | null | undefined;

/** What kafkajs's `Record` receives for one message of a partition. */
export interface RecordInput {
  readonly offsetDelta?: number;
  readonly timestampDelta?: number;
  readonly key?: Bytes;
  readonly value?: Bytes;
  readonly headers?: Record<string, Bytes | Bytes[]>;
}

/** What kafkajs's `RecordBatch` receives for one partition. */
export interface RecordBatchInput {
  readonly compression?: number;
  readonly firstOffset?: unknown;
  readonly firstTimestamp?: number | string;
  readonly maxTimestamp?: number | string;
  readonly partitionLeaderEpoch?: number;
  readonly lastOffsetDelta?: number;
  readonly transactional?: boolean;
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
  readonly firstSequence?: number;
  readonly records?: unknown[];
}

interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  readonly buffer: Buffer;
}

interface KafkajsLong {
  getHighBits(): number;
  getLowBits(): number;
}

const RECORD_PATH = require.resolve('kafkajs/src/protocol/recordBatch/record/v0');
const PRODUCE_V3_PATH = require.resolve('kafkajs/src/protocol/requests/produce/v3/request');

const Encoder = require('kafkajs/src/protocol/encoder') as new (size?: number) => KafkajsEncoder;
const Long = require('kafkajs/src/utils/long') as {
  fromValue(value: unknown): KafkajsLong;
  fromInt(n: number): KafkajsLong;
};
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;
const originalRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (input: RecordInput) => KafkajsEncoder;
const batchModule = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (input: RecordBatchInput) => Promise<KafkajsEncoder>;
};
const originalRecordBatch = batchModule.RecordBatch;

const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;
const COMPRESSION_CODEC_MASK = 7;
const NONE = 0;

/** A record as kafkajs's `Record` would encode it, encoded that way only when asked. */
export class LazyRecord {
  private encoded: KafkajsEncoder | undefined;

  constructor(readonly input: RecordInput) {}

  private get kafkajs(): KafkajsEncoder {
    this.encoded ??= originalRecord(this.input);
    return this.encoded;
  }

  get buf(): Buffer {
    return this.kafkajs.buf;
  }

  get buffer(): Buffer {
    return this.kafkajs.buffer;
  }

  size(): number {
    return this.kafkajs.offset;
  }
}

/** kafkajs's zigzag of a 32-bit value (`Encoder.encodeZigZag`). */
function zigzag(value: number): number {
  return (value << 1) ^ (value >> 31);
}

function sizeOfUVarInt(value: number): number {
  let bytes = 1;
  while ((value & 0xffffff80) !== 0) {
    bytes++;
    value >>>= 7;
  }
  return bytes;
}

function sizeOfVarInt(value: number): number {
  return sizeOfUVarInt(zigzag(value));
}

/** Length in bytes, -1 for null: how kafkajs's varint bytes/strings size a value. */
function byteLengthOf(value: Bytes): number {
  if (value === null || value === undefined) return -1;
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

function sizeOfVarIntBytes(length: number): number {
  return length < 0 ? sizeOfVarInt(-1) : sizeOfVarInt(length) + length;
}

function isInt32(value: unknown): value is number {
  return typeof value === 'number' && (value | 0) === value;
}

function isBytes(value: unknown): value is Bytes {
  return (
    value === null || value === undefined || typeof value === 'string' || Buffer.isBuffer(value)
  );
}

/** One record's header list flattened as kafkajs does (an array value: one header each). */
function flatHeaders(headers: RecordInput['headers']): [string, Bytes][] | undefined {
  const flat: [string, Bytes][] = [];
  if (!headers) return flat;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (Array.isArray(value)) {
      for (const item of value) {
        if (!isBytes(item)) return undefined;
        flat.push([key, item]);
      }
    } else {
      if (!isBytes(value)) return undefined;
      flat.push([key, value]);
    }
  }
  return flat;
}

/** A record sized for the one-buffer path, or undefined when it must go the kafkajs way. */
interface Planned {
  readonly input: RecordInput;
  readonly headers: [string, Bytes][];
  readonly keyLength: number;
  readonly valueLength: number;
  readonly headerLengths: number[];
  readonly bodySize: number;
}

function plan(record: unknown): Planned | undefined {
  if (!(record instanceof LazyRecord)) return undefined;
  const { input } = record;
  const offsetDelta = input.offsetDelta ?? 0;
  const timestampDelta = input.timestampDelta ?? 0;
  if (!isInt32(offsetDelta) || !isInt32(timestampDelta)) return undefined;
  if (!isBytes(input.key) || !isBytes(input.value)) return undefined;
  const headers = flatHeaders(input.headers);
  if (!headers) return undefined;
  const keyLength = byteLengthOf(input.key);
  const valueLength = byteLengthOf(input.value);
  const headerLengths: number[] = [];
  let headersSize = sizeOfVarInt(headers.length);
  for (const [key, value] of headers) {
    const keyBytes = Buffer.byteLength(key, 'utf8');
    const valueBytes = byteLengthOf(value);
    headerLengths.push(keyBytes, valueBytes);
    headersSize += sizeOfVarInt(keyBytes) + keyBytes + sizeOfVarIntBytes(valueBytes);
  }
  const bodySize =
    1 +
    sizeOfVarInt(timestampDelta) +
    sizeOfVarInt(offsetDelta) +
    sizeOfVarIntBytes(keyLength) +
    sizeOfVarIntBytes(valueLength) +
    headersSize;
  return { input, headers, keyLength, valueLength, headerLengths, bodySize };
}

/** Writes into one preallocated buffer (sized beforehand, so never grown). */
class Writer {
  offset = 0;

  constructor(readonly buf: Buffer) {}

  int8(value: number): void {
    this.buf.writeInt8(value, this.offset);
    this.offset += 1;
  }

  int16(value: number): void {
    this.buf.writeInt16BE(value, this.offset);
    this.offset += 2;
  }

  int32(value: number): void {
    this.buf.writeInt32BE(value, this.offset);
    this.offset += 4;
  }

  int64(value: unknown): void {
    const long = Long.fromValue(value);
    this.buf.writeInt32BE(long.getHighBits(), this.offset);
    this.buf.writeInt32BE(long.getLowBits(), this.offset + 4);
    this.offset += 8;
  }

  uvarint(value: number): void {
    while ((value & 0xffffff80) !== 0) {
      this.buf[this.offset++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[this.offset++] = value & 0x7f;
  }

  varint(value: number): void {
    this.uvarint(zigzag(value));
  }

  /** kafkajs's writeVarIntBytes / writeVarIntString with the length already known. */
  bytes(value: Bytes, length: number): void {
    if (length < 0 || value === null || value === undefined) {
      this.varint(-1);
      return;
    }
    this.varint(length);
    if (typeof value === 'string') this.buf.write(value, this.offset, length, 'utf8');
    else value.copy(this.buf, this.offset);
    this.offset += length;
  }
}

/** The fixed part of a v2 record batch after the CRC: attributes .. first sequence, count. */
const BODY_HEADER_BYTES = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** first offset, length, partition leader epoch, magic, CRC. */
const BATCH_PREFIX_BYTES = 8 + 4 + 4 + 1 + 4;

/**
 * The partition's record batch in one buffer, as kafkajs's `RecordBatch` encodes it without
 * compression; undefined when a record cannot take this path.
 */
export function encodeRecordBatch(input: RecordBatchInput): Buffer | undefined {
  if (((input.compression ?? NONE) & COMPRESSION_CODEC_MASK) !== NONE) return undefined;
  const records = input.records ?? [];
  const planned: Planned[] = [];
  let recordsSize = 0;
  for (const record of records) {
    const sized = plan(record);
    if (!sized) return undefined;
    planned.push(sized);
    recordsSize += sizeOfVarInt(sized.bodySize) + sized.bodySize;
  }
  const bodySize = BODY_HEADER_BYTES + recordsSize;
  const out = new Writer(Buffer.allocUnsafe(BATCH_PREFIX_BYTES + bodySize));
  // kafkajs's defaults (parameter defaults: they apply to undefined only).
  const {
    compression = NONE,
    firstOffset = Long.fromInt(0),
    firstTimestamp = Date.now(),
    maxTimestamp = Date.now(),
    partitionLeaderEpoch = 0,
    lastOffsetDelta = 0,
    transactional = false,
    producerId = Long.fromValue(-1),
    producerEpoch = 0,
    firstSequence = 0,
  } = input;
  out.int64(firstOffset);
  // Length: everything after this field (epoch, magic, CRC, body).
  out.int32(4 + 1 + 4 + bodySize);
  out.int32(partitionLeaderEpoch);
  out.int8(MAGIC_BYTE);
  const crcAt = out.offset;
  out.offset += 4;
  const bodyStart = out.offset;
  out.int16((compression & COMPRESSION_CODEC_MASK) | (transactional ? TRANSACTIONAL_MASK : 0));
  out.int32(lastOffsetDelta);
  out.int64(firstTimestamp);
  out.int64(maxTimestamp);
  out.int64(producerId);
  out.int16(producerEpoch);
  out.int32(firstSequence);
  out.int32(planned.length);
  for (const record of planned) {
    const { input: r, headers, headerLengths } = record;
    out.varint(record.bodySize);
    out.int8(0);
    out.varint(r.timestampDelta ?? 0);
    out.varint(r.offsetDelta ?? 0);
    out.bytes(r.key, record.keyLength);
    out.bytes(r.value, record.valueLength);
    out.varint(headers.length);
    for (let i = 0; i < headers.length; i++) {
      const [key, value] = headers[i];
      out.bytes(key, headerLengths[2 * i]);
      out.bytes(value, headerLengths[2 * i + 1]);
    }
  }
  if (out.offset !== out.buf.length) {
    throw new Error(`record batch sized ${out.buf.length} bytes, wrote ${out.offset}`);
  }
  out.buf.writeUInt32BE(crc32C(out.buf.subarray(bodyStart)), crcAt);
  return out.buf;
}

/** An Encoder holding exactly these bytes (what the produce request writes after `size()`). */
function encoderOf(bytes: Buffer): KafkajsEncoder {
  const encoder = new Encoder(1);
  encoder.buf = bytes;
  encoder.offset = bytes.length;
  return encoder;
}

const INSTALLED = Symbol.for('dock.kafkajs.oneBufferRecordBatch');

/**
 * Puts the one-buffer encoder in kafkajs's place; true when it is (now or before). It must run
 * before kafkajs loads its produce request module (on the first send), so kafka-client.ts runs
 * it when loaded; later, kafkajs keeps its own encoder (same bytes, more CPU) and this says false.
 */
export function installRecordBatchEncoder(): boolean {
  const holder = batchModule as unknown as Record<symbol, boolean>;
  if (holder[INSTALLED]) return true;
  const recordModule = require.cache[RECORD_PATH];
  if (require.cache[PRODUCE_V3_PATH] || !recordModule) return false;
  recordModule.exports = (input: RecordInput) => new LazyRecord(input);
  batchModule.RecordBatch = async (input: RecordBatchInput) => {
    const bytes = encodeRecordBatch(input);
    return bytes ? encoderOf(bytes) : originalRecordBatch(input);
  };
  holder[INSTALLED] = true;
  return true;
}

/** kafkajs's own encoders, for the byte-equality tests. */
export const kafkajsOriginals = { Record: originalRecord, RecordBatch: originalRecordBatch };
