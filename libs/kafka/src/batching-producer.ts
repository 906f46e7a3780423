import { CompressionTypes, Kafka, Message, Partitioners, Producer, TopicMessages } from 'kafkajs';
import type { BatchingProducerOptions, BusProducer, OutgoingMessage } from './message-bus';

interface Pending {
  topic: string;
  message: Message;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_BATCH_BYTES = 768 * 1024;

/**
 * An idempotent producer (acks from all in-sync replicas) that groups the records of many
 * callers into one request, because kafkajs has no time-based batching of its own. Each
 * caller's promise resolves only once Kafka has acknowledged its record: that is the moment
 * the gateway may PUBACK the dock's message. One request is in flight at a time, so records
 * keep the order in which they were sent.
 */
export class BatchingProducer implements BusProducer {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private isConnected = false;

  constructor(
    kafka: Kafka,
    private readonly options: BatchingProducerOptions = { lingerMs: 2, maxBatchRecords: 1000 },
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.isConnected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.isConnected = false));
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** True between a successful connect and a disconnect (for readiness checks). */
  get connected(): boolean {
    return this.isConnected;
  }

  /** Resolves when Kafka acknowledged the record; rejects when the write failed. */
  send(topic: string, message: OutgoingMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ topic, message, bytes: sizeOf(message), resolve, reject });
      this.schedule();
    });
  }

  sendAll(records: readonly { topic: string; message: OutgoingMessage }[]): Promise<void> {
    return Promise.all(records.map((r) => this.send(r.topic, r.message))).then(() => undefined);
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Sends what waits and resolves when nothing is queued or in flight. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight) {
      if (!this.inFlight) this.startBatch();
      await this.inFlight?.catch(() => undefined);
    }
  }

  async disconnect(): Promise<void> {
    await this.flush();
    await this.producer.disconnect();
  }

  private schedule(): void {
    if (this.inFlight) return; // the batch in flight starts the next one when it completes
    if (this.queue.length >= this.options.maxBatchRecords) {
      this.startBatch();
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.startBatch(), this.options.lingerMs);
    }
  }

  /** The longest prefix of the queue within both limits (at least one record). */
  private takeBatch(): Pending[] {
    const maxBytes = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    let count = 0;
    let bytes = 0;
    while (count < this.queue.length && count < this.options.maxBatchRecords) {
      const next = this.queue[count].bytes;
      if (count > 0 && bytes + next > maxBytes) break;
      bytes += next;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private startBatch(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.takeBatch();
    const byTopic = new Map<string, Message[]>();
    for (const item of batch) {
      const messages = byTopic.get(item.topic) ?? [];
      messages.push(item.message);
      byTopic.set(item.topic, messages);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({
      topic,
      messages,
    }));
    const started = Date.now();
    const report = (ok: boolean): void =>
      this.options.onBatch?.({
        records: batch.length,
        bytes: batch.reduce((sum, item) => sum + item.bytes, 0),
        durationMs: Date.now() - started,
        ok,
      });
    // Promise.resolve().then(...) turns a synchronous throw of sendBatch into a rejection, so a
    // bug there fails this batch's callers instead of leaving them waiting forever.
    this.inFlight = Promise.resolve()
      .then(() =>
        this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None }),
      )
      .then(
        () => {
          report(true);
          batch.forEach((item) => item.resolve());
        },
        (error: unknown) => {
          report(false);
          batch.forEach((item) => item.reject(error));
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        // Records that arrived while this batch was in flight go out now, as one batch.
        if (this.queue.length > 0) this.startBatch();
      });
  }
}

function sizeOf(message: Message): number {
  return byteLength(message.key) + byteLength(message.value);
}

function byteLength(value: Message['value'] | Message['key']): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
