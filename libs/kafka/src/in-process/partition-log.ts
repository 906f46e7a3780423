import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BusHeaders, BusMessage, OutgoingMessage } from '../message-bus';

/** One record of a partition as the in-process bus keeps it. */
export interface StoredRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** The line a record takes in a partition's JSONL file (key and value in base64). */
interface RecordLine {
  o: number;
  t: number;
  k: string | null;
  v: string | null;
  h: Record<string, string>;
}

/** Wakes the waiters of the moment; later waiters wait for the next notify. */
export class Signal {
  private readonly waiters = new Set<() => void>();

  wait(): Promise<void> {
    return waitAny([this]);
  }

  /** Registers a one-shot callback; the returned function unregisters it. */
  once(callback: () => void): () => void {
    this.waiters.add(callback);
    return () => this.waiters.delete(callback);
  }

  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const callback of waiters) callback();
  }
}

/** Resolves at the first notify of any of the signals (or after `timeoutMs`), leaving no waiter behind. */
export function waitAny(signals: readonly Signal[], timeoutMs?: number): Promise<void> {
  return new Promise((resolve) => {
    const cancels: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      for (const cancel of cancels) cancel();
      if (timer) clearTimeout(timer);
      resolve();
    };
    for (const signal of signals) cancels.push(signal.once(done));
    if (timeoutMs !== undefined) timer = setTimeout(done, timeoutMs);
  });
}

/**
 * One partition's log: an array in memory from `base` to `next - 1`, and (with a file) the
 * same records as JSON lines appended in order. Appends of one partition are written one
 * batch at a time, and records become visible to consumers only once written, so a consumer
 * never handles a record that a crash would take back.
 */
export class PartitionLog {
  private records: StoredRecord[] = [];
  private nextOffset = 0;
  private queued: { records: StoredRecord[]; done: (error?: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  /** Records dropped from memory since the file was last rewritten. */
  private droppedSinceCompaction = 0;
  readonly appended = new Signal();

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly file: string | undefined,
  ) {}

  /** The first offset still held. */
  get base(): number {
    return this.records.length > 0 ? this.records[0].offset : this.nextOffset;
  }

  /** The offset the next record gets (the high watermark). */
  get next(): number {
    return this.nextOffset;
  }

  get size(): number {
    return this.records.length;
  }

  /** Reads the file back; a torn last line (a crash mid-write) is dropped. */
  async load(): Promise<void> {
    if (!this.file) return;
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let torn = false;
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      let parsed: RecordLine;
      try {
        parsed = JSON.parse(line) as RecordLine;
      } catch {
        torn = true;
        continue;
      }
      if (parsed.o < this.nextOffset) continue;
      this.records.push(fromLine(parsed));
      this.nextOffset = parsed.o + 1;
    }
    if (torn) await this.compact();
  }

  /** Appends records; resolves once they are written (and then visible). */
  append(messages: readonly OutgoingMessage[], now: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const records = messages.map((message): StoredRecord => ({
        offset: -1,
        timestamp: now,
        key: toBuffer(message.key),
        value: toBuffer(message.value),
        headers: toHeaderStrings(message.headers),
      }));
      this.queued.push({
        records,
        done: (error) => (error === undefined ? resolve() : reject(error)),
      });
      this.pump();
    });
  }

  /** Up to `max` records from `offset` on (fewer when the log ends first). */
  read(offset: number, max: number): StoredRecord[] {
    const start = Math.max(0, offset - this.base);
    return this.records.slice(start, start + max);
  }

  /**
   * Drops records below `offset` from memory (keeping at least the last one, so the next
   * offset survives a restart) and rewrites the file once enough were dropped.
   */
  async trimBelow(offset: number, compactAfter: number): Promise<void> {
    const keepFrom = Math.min(offset, this.nextOffset - 1);
    const drop = Math.max(0, keepFrom - this.base);
    if (drop === 0) return;
    this.records = this.records.slice(drop);
    this.droppedSinceCompaction += drop;
    if (this.droppedSinceCompaction >= compactAfter) await this.compact();
  }

  /** Rewrites the file with the records held in memory (waits for writes in flight). */
  async compact(): Promise<void> {
    if (!this.file) return;
    await this.idle();
    const file = this.file;
    const temporary = `${file}.tmp`;
    const text = this.records.map((record) => `${JSON.stringify(toLine(record))}\n`).join('');
    await fs.writeFile(temporary, text);
    await fs.rename(temporary, file);
    this.droppedSinceCompaction = 0;
  }

  /** Resolves once every append accepted so far is written. */
  async idle(): Promise<void> {
    while (this.writing || this.queued.length > 0) {
      if (!this.writing) this.pump();
      await this.writing;
    }
  }

  private pump(): void {
    if (this.writing || this.queued.length === 0) return;
    const batch = this.queued.splice(0);
    // Offsets are given in write order, so the file and memory agree.
    let offset = this.nextOffset;
    const assigned = batch.map((item) =>
      item.records.map((record) => ({ ...record, offset: offset++ })),
    );
    const text = assigned
      .flat()
      .map((record) => `${JSON.stringify(toLine(record))}\n`)
      .join('');
    const write = this.file
      ? fs
          .mkdir(path.dirname(this.file), { recursive: true })
          .then(() => fs.appendFile(this.file as string, text))
      : Promise.resolve();
    this.writing = write.then(
      () => {
        for (const records of assigned) this.records.push(...records);
        this.nextOffset = offset;
        this.writing = undefined;
        for (const item of batch) item.done();
        this.appended.notify();
        this.pump();
      },
      (error: unknown) => {
        this.writing = undefined;
        for (const item of batch) item.done(error);
        this.pump();
      },
    );
  }
}

/** What a consumer gets: Kafka's shape (Buffers, string offsets and timestamps). */
export function toBusMessage(record: StoredRecord): BusMessage {
  const headers: BusHeaders = {};
  for (const [name, value] of Object.entries(record.headers)) headers[name] = Buffer.from(value);
  return {
    key: record.key,
    value: record.value,
    headers,
    timestamp: String(record.timestamp),
    offset: String(record.offset),
  };
}

function toLine(record: StoredRecord): RecordLine {
  return {
    o: record.offset,
    t: record.timestamp,
    k: record.key ? record.key.toString('base64') : null,
    v: record.value ? record.value.toString('base64') : null,
    h: { ...record.headers },
  };
}

function fromLine(line: RecordLine): StoredRecord {
  return {
    offset: line.o,
    timestamp: line.t,
    key: line.k === null ? null : Buffer.from(line.k, 'base64'),
    value: line.v === null ? null : Buffer.from(line.v, 'base64'),
    headers: line.h,
  };
}

function toBuffer(value: Buffer | string | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value) : value;
}

function toHeaderStrings(headers: BusHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    out[name] = first.toString();
  }
  return out;
}
