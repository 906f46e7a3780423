import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type {
  BusProducer,
  ConsumedRecord,
  ConsumerSettings,
  MessageBus,
  OutgoingMessage,
  RunningConsumer,
  TopicSpec,
} from '../message-bus';
import { PartitionLog, Signal, toBusMessage, waitAny } from './partition-log';

export interface InProcessBusOptions {
  /**
   * Where the log and the committed offsets live (`<dir>/topics.json`, `<dir>/offsets.json`,
   * `<dir>/log/<topic>/<partition>.jsonl`). Without it the bus is memory-only.
   */
  dataDir?: string;
  logger: Logger;
  /** Records older than this are dropped (default 24 h). */
  retentionMs?: number;
  /** At most this many records are kept per partition (default 100,000). */
  maxRecordsPerPartition?: number;
  /** Most records handed to one handleBatch call (default 500). */
  maxBatchRecords?: number;
  /** First wait before a failed batch is delivered again; doubles up to 5 s. */
  retryBackoffMs?: number;
  /** How often retention runs (default 30 s). */
  housekeepingIntervalMs?: number;
  now?: () => number;
}

type Offsets = Record<string, Record<string, Record<string, number>>>;

interface Member {
  readonly settings: ConsumerSettings;
  stopping: boolean;
  inFlight: number;
  readonly idle: Signal;
  readonly slots: Semaphore;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * A MessageBus inside the process, for the embedded mode: Kafka's semantics at the scale of
 * one site. Topics have partitions, a record goes to the partition of its key's hash, each
 * consumer group spreads the partitions over its members and keeps a committed offset per
 * partition, moved only after a batch was handled; a batch whose handler throws is delivered
 * again after a backoff. With a data directory, the log (JSON lines per partition) and the
 * committed offsets survive a restart: a record acknowledged to its producer is never lost,
 * and a group resumes after its last commit.
 *
 * Retention: a partition keeps what some group that ever committed on its topic has not yet
 * consumed, bounded by `retentionMs` and `maxRecordsPerPartition`. A new group that starts
 * from the beginning starts at the oldest record still kept (as in Kafka after retention).
 */
export class InProcessBus implements MessageBus {
  readonly kind = 'in-process';
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, Group>();
  private offsets: Offsets = {};
  private offsetsDirty = false;
  private offsetsWriting: Promise<void> | undefined;
  private housekeeping: NodeJS.Timeout | undefined;
  private closed = false;
  private roundRobin = 0;
  private readonly now: () => number;

  private constructor(private readonly options: InProcessBusOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Opens the bus, reading back topics, records and committed offsets from the data directory. */
  static async open(options: InProcessBusOptions): Promise<InProcessBus> {
    const bus = new InProcessBus(options);
    await bus.load();
    bus.housekeeping = setInterval(() => {
      void bus.applyRetention().catch((error: unknown) => {
        options.logger.warn({ err: error }, 'bus retention failed; next round retries');
      });
    }, options.housekeepingIntervalMs ?? 30_000);
    bus.housekeeping.unref();
    return bus;
  }

  get persistent(): boolean {
    return this.options.dataDir !== undefined;
  }

  async ensureTopics(specs: TopicSpec[]): Promise<void> {
    let changed = false;
    for (const spec of specs) {
      if (this.topics.has(spec.topic)) continue;
      this.topics.set(spec.topic, this.partitionsOf(spec.topic, spec.numPartitions));
      changed = true;
    }
    if (changed) await this.saveTopics();
    for (const group of this.groups.values()) group.topicsChanged();
  }

  /** Batching options do not apply: every send is written at once, in order. */
  createProducer(): BusProducer {
    return new InProcessProducer(this);
  }

  async subscribe(settings: ConsumerSettings): Promise<RunningConsumer> {
    if (this.closed) throw new Error('the bus is closed');
    for (const topic of settings.topics) {
      if (!this.topics.has(topic)) throw new Error(`unknown topic ${topic}`);
    }
    let group = this.groups.get(settings.groupId);
    if (!group || group.isStopped) {
      group = new Group(this, settings.groupId, settings.commit ?? true);
      this.groups.set(settings.groupId, group);
    }
    const member: Member = {
      settings,
      stopping: false,
      inFlight: 0,
      idle: new Signal(),
      slots: new Semaphore(Math.max(1, settings.partitionsConsumedConcurrently ?? 1)),
    };
    group.join(member);
    const owner = group;
    return {
      joined: Promise.resolve(),
      stop: async () => {
        await owner.leave(member);
        if (owner.empty) this.groups.delete(owner.id);
      },
    };
  }

  async check(): Promise<void> {
    if (this.closed) throw new Error('the bus is closed');
  }

  /** Stops every group, waits for writes, and saves the offsets. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.housekeeping) clearInterval(this.housekeeping);
    await Promise.all([...this.groups.values()].map((group) => group.stopAll()));
    this.groups.clear();
    await Promise.all(this.allLogs().map((log) => log.idle()));
    await this.saveOffsets();
  }

  /** Appends records to their partitions; resolves when every one is written. */
  async publish(records: readonly { topic: string; message: OutgoingMessage }[]): Promise<void> {
    if (this.closed) throw new Error('the bus is closed');
    const byLog = new Map<PartitionLog, OutgoingMessage[]>();
    for (const { topic, message } of records) {
      const partitions = this.topics.get(topic);
      if (!partitions) throw new Error(`unknown topic ${topic}`);
      const log = partitions[partitionFor(message.key, partitions.length, this.roundRobin++)];
      const list = byLog.get(log) ?? [];
      list.push(message);
      byLog.set(log, list);
    }
    const now = this.now();
    await Promise.all([...byLog].map(([log, messages]) => log.append(messages, now)));
  }

  /** @internal */
  logsOf(topic: string): PartitionLog[] {
    return this.topics.get(topic) ?? [];
  }

  /** @internal The committed offset of a durable group, if any. */
  committed(group: string, log: PartitionLog): number | undefined {
    return this.offsets[group]?.[log.topic]?.[String(log.partition)];
  }

  /** @internal */
  commit(group: string, log: PartitionLog, offset: number): void {
    const topics = (this.offsets[group] ??= {});
    const partitions = (topics[log.topic] ??= {});
    partitions[String(log.partition)] = offset;
    this.offsetsDirty = true;
    void this.saveOffsets().catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'could not save committed offsets; retrying');
    });
  }

  /** @internal */
  get settings(): Required<Pick<InProcessBusOptions, 'maxBatchRecords' | 'retryBackoffMs'>> {
    return {
      maxBatchRecords: this.options.maxBatchRecords ?? 500,
      retryBackoffMs: this.options.retryBackoffMs ?? 100,
    };
  }

  /** Drops what retention allows from memory (and, in batches, from the files). */
  async applyRetention(): Promise<void> {
    const retentionMs = this.options.retentionMs ?? 24 * 60 * 60 * 1000;
    const maxRecords = this.options.maxRecordsPerPartition ?? 100_000;
    const oldest = this.now() - retentionMs;
    for (const log of this.allLogs()) {
      // Groups that ever committed on this topic still need what they have not consumed.
      let needed = log.next;
      let anyGroup = false;
      for (const topics of Object.values(this.offsets)) {
        const offset = topics[log.topic]?.[String(log.partition)];
        if (offset === undefined) continue;
        anyGroup = true;
        needed = Math.min(needed, offset);
      }
      let keepFrom = anyGroup ? needed : log.base;
      keepFrom = Math.max(keepFrom, log.next - maxRecords);
      for (const record of log.read(log.base, log.size)) {
        if (record.timestamp >= oldest || record.offset >= keepFrom) break;
        keepFrom = Math.max(keepFrom, record.offset + 1);
      }
      await log.trimBelow(keepFrom, 20_000);
    }
  }

  private allLogs(): PartitionLog[] {
    return [...this.topics.values()].flat();
  }

  private partitionsOf(topic: string, count: number): PartitionLog[] {
    const dir = this.options.dataDir;
    return Array.from(
      { length: count },
      (_, partition) =>
        new PartitionLog(
          topic,
          partition,
          dir ? path.join(dir, 'log', encodeURIComponent(topic), `${partition}.jsonl`) : undefined,
        ),
    );
  }

  private async load(): Promise<void> {
    const dir = this.options.dataDir;
    if (!dir) return;
    await fs.mkdir(dir, { recursive: true });
    const topics = await readJson<Record<string, number>>(path.join(dir, 'topics.json'), {});
    for (const [topic, count] of Object.entries(topics)) {
      const logs = this.partitionsOf(topic, count);
      await Promise.all(logs.map((log) => log.load()));
      this.topics.set(topic, logs);
    }
    this.offsets = await readJson<Offsets>(path.join(dir, 'offsets.json'), {});
    await this.applyRetention();
  }

  private async saveTopics(): Promise<void> {
    const dir = this.options.dataDir;
    if (!dir) return;
    const topics: Record<string, number> = {};
    for (const [topic, logs] of this.topics) topics[topic] = logs.length;
    await writeJsonAtomically(path.join(dir, 'topics.json'), topics);
  }

  /** Coalesced: one write at a time, the latest state wins. */
  private async saveOffsets(): Promise<void> {
    const dir = this.options.dataDir;
    if (!dir) return;
    while (this.offsetsWriting) await this.offsetsWriting;
    if (!this.offsetsDirty) return;
    this.offsetsDirty = false;
    this.offsetsWriting = writeJsonAtomically(path.join(dir, 'offsets.json'), this.offsets).finally(
      () => {
        this.offsetsWriting = undefined;
      },
    );
    await this.offsetsWriting;
  }
}

/** A consumer group: one runner per partition of its topics, handing batches to its members. */
class Group {
  private readonly members: Member[] = [];
  private readonly runners = new Map<PartitionLog, Promise<void>>();
  /** Where a non-committing group (or one without a commit yet) stands, in memory. */
  private readonly positions = new Map<PartitionLog, number>();
  private readonly changed = new Signal();
  private stopped = false;

  constructor(
    private readonly bus: InProcessBus,
    readonly id: string,
    private readonly durable: boolean,
  ) {}

  get empty(): boolean {
    return this.members.length === 0;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  join(member: Member): void {
    this.members.push(member);
    this.topicsChanged();
    this.changed.notify();
  }

  /** No new batches for the member; waits for those it is handling. */
  async leave(member: Member): Promise<void> {
    member.stopping = true;
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    this.changed.notify();
    while (member.inFlight > 0) await member.idle.wait();
    if (this.members.length === 0) await this.stopAll();
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    for (const member of this.members) member.stopping = true;
    this.changed.notify();
    for (const log of this.runners.keys()) log.appended.notify();
    await Promise.all(this.runners.values());
    this.runners.clear();
  }

  /** Starts a runner for every partition of the members' topics that has none. */
  topicsChanged(): void {
    if (this.stopped) return;
    const topics = new Set(this.members.flatMap((member) => member.settings.topics));
    for (const topic of topics) {
      for (const log of this.bus.logsOf(topic)) {
        if (!this.runners.has(log)) this.runners.set(log, this.run(log));
      }
    }
  }

  /** The member that owns a partition: partitions spread over members round robin. */
  private ownerOf(log: PartitionLog): Member | undefined {
    const candidates = this.members.filter(
      (member) => !member.stopping && member.settings.topics.includes(log.topic),
    );
    if (candidates.length === 0) return undefined;
    const logs = [...new Set(candidates.flatMap((member) => member.settings.topics))]
      .sort()
      .flatMap((topic) => this.bus.logsOf(topic));
    return candidates[Math.max(0, logs.indexOf(log)) % candidates.length];
  }

  private startPosition(log: PartitionLog, member: Member): number {
    const known = this.positions.get(log);
    if (known !== undefined) return known;
    const committed = this.durable ? this.bus.committed(this.id, log) : undefined;
    const fromBeginning = member.settings.fromBeginning ?? this.durable;
    const start = committed ?? (fromBeginning ? log.base : log.next);
    this.positions.set(log, start);
    return start;
  }

  private async run(log: PartitionLog): Promise<void> {
    const { maxBatchRecords, retryBackoffMs } = this.bus.settings;
    let backoff = retryBackoffMs;
    while (!this.stopped) {
      const member = this.ownerOf(log);
      if (!member) {
        await waitAny([this.changed]);
        continue;
      }
      const position = Math.max(this.startPosition(log, member), log.base);
      if (position >= log.next) {
        await waitAny([log.appended, this.changed]);
        continue;
      }
      const stored = log.read(position, maxBatchRecords);
      const records: ConsumedRecord[] = stored.map((record) => ({
        topic: log.topic,
        partition: log.partition,
        offset: String(record.offset),
        message: toBusMessage(record),
      }));
      await member.slots.acquire();
      if (member.stopping) {
        member.slots.release();
        continue;
      }
      member.inFlight++;
      let handled = false;
      try {
        await member.settings.handleBatch(records, { highWatermark: String(log.next) });
        handled = true;
      } catch (error) {
        member.settings.logger.error(
          { err: error, topic: log.topic, partition: log.partition, firstOffset: position },
          'batch handling failed; it will be redelivered',
        );
      } finally {
        member.inFlight--;
        member.slots.release();
        if (member.inFlight === 0) member.idle.notify();
      }
      if (handled) {
        backoff = retryBackoffMs;
        const next = stored[stored.length - 1].offset + 1;
        this.positions.set(log, next);
        if (this.durable) this.bus.commit(this.id, log, next);
      } else {
        // The same batch again (to whichever member owns the partition then), after a pause.
        await waitAny([this.changed], backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }
}

class InProcessProducer implements BusProducer {
  private isConnected = false;
  private pending = 0;
  private readonly settled = new Signal();

  constructor(private readonly bus: InProcessBus) {}

  async connect(): Promise<void> {
    this.isConnected = true;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get waiting(): number {
    return this.pending;
  }

  send(topic: string, message: OutgoingMessage): Promise<void> {
    return this.sendAll([{ topic, message }]);
  }

  async sendAll(records: readonly { topic: string; message: OutgoingMessage }[]): Promise<void> {
    this.pending += records.length;
    try {
      await this.bus.publish(records);
    } finally {
      this.pending -= records.length;
      if (this.pending === 0) this.settled.notify();
    }
  }

  async flush(): Promise<void> {
    while (this.pending > 0) await this.settled.wait();
  }

  async disconnect(): Promise<void> {
    await this.flush();
    this.isConnected = false;
  }
}

class Semaphore {
  private available: number;
  private readonly queue: (() => void)[] = [];

  constructor(size: number) {
    this.available = size;
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.available++;
  }
}

/** FNV-1a over the key: one key, one partition. Records without a key go round robin. */
export function partitionFor(
  key: Buffer | string | null | undefined,
  partitions: number,
  roundRobin: number,
): number {
  if (key === null || key === undefined) return roundRobin % partitions;
  const bytes = typeof key === 'string' ? Buffer.from(key) : key;
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, JSON.stringify(value));
  await fs.rename(temporary, file);
}
