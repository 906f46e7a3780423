import type { Logger } from 'pino';

// The port's types, defined here and nowhere else: the Kafka implementation (kafka-bus.ts,
// batching-producer.ts, consumer-runner.ts, topic-admin.ts) and the in-process one import them.

/**
 * The message bus as the services use it, whatever carries it: Kafka in production
 * (KafkaBus), an in-process log in the embedded mode (InProcessBus). Both pass the same
 * contract suite (libs/kafka/test/message-bus-contract.ts). What a service may count on:
 *
 * - publish with acknowledgement: `BusProducer.send` resolves only once the record is durably
 *   in the log (Kafka: acknowledged by the in-sync replicas; in-process: written to the data
 *   directory), and rejects when it is not;
 * - records of one key go to one partition and keep the order in which they were sent;
 * - consumer groups: each partition is handled by one member of a group at a time, batch after
 *   batch, in order; the offsets are committed only after `handleBatch` resolved, and a batch
 *   whose handler threw is delivered again (at-least-once: handlers are idempotent);
 * - `commit: false` subscriptions (live views) start at the end, see every partition, and
 *   keep no offsets;
 * - topics are created ahead with `ensureTopics`; sending to an unknown topic fails.
 */
export interface MessageBus {
  /** `kafka` or `in-process`: for logs and readiness names, never for behaviour. */
  readonly kind: 'kafka' | 'in-process';
  /** Creates the topics that are missing; existing topics are left as they are. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** A producer whose `send` resolves once the record is in the log. */
  createProducer(options?: BatchingProducerOptions): BusProducer;
  /** Joins a consumer group (see ConsumerSettings); resolves once consuming is set up. */
  subscribe(settings: ConsumerSettings): Promise<RunningConsumer>;
  /** Resolves when the bus answers (readiness). */
  check(): Promise<void>;
  /** Releases what the bus itself holds (admin connections, files). Producers and consumers are stopped by their owners first. */
  close(): Promise<void>;
}

/** What a record to send carries (kafkajs `Message` is one). */
export interface OutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: BusHeaders;
}

/** One record as a consumer gets it (kafkajs `KafkaMessage` is one). */
export interface BusMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: BusHeaders;
  /** Milliseconds since the epoch, as a string (as Kafka gives it). */
  timestamp: string;
  offset: string;
}

export interface BusProducer {
  connect(): Promise<void>;
  /** True between a successful connect and a disconnect (for readiness checks). */
  readonly connected: boolean;
  /** Resolves when the record is in the log; rejects when the write failed. */
  send(topic: string, message: OutgoingMessage): Promise<void>;
  sendAll(records: readonly { topic: string; message: OutgoingMessage }[]): Promise<void>;
  /** Records accepted and not yet acknowledged. */
  readonly waiting: number;
  /** Resolves when nothing is queued or in flight. */
  flush(): Promise<void>;
  /** Flushes, then closes. */
  disconnect(): Promise<void>;
}

/** Record headers (kafkajs's IHeaders has this shape). */
export interface BusHeaders {
  [key: string]: Buffer | string | (Buffer | string)[] | undefined;
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor?: number;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  message: BusMessage;
}

/** What the bus knows about the batch beyond its records. */
export interface BatchInfo {
  /** The offset the partition's next record will get (Kafka's high watermark): lag = this - next to handle. */
  highWatermark: string;
}

export interface ConsumerSettings {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  logger: Logger;
  /**
   * Handles the records of one fetched batch (one partition, in order). Offsets are committed
   * only after it resolves, so a crash redelivers them: handlers must be idempotent. It must
   * not throw for bad records (route them to a dead letter instead); a throw means a
   * dependency failed, and the batch is retried.
   */
  handleBatch(records: ConsumedRecord[], batch?: BatchInfo): Promise<void>;
  sessionTimeoutMs?: number;
  /**
   * How many partitions are handled at once (default 1). Records of one partition are always
   * handled in order, one batch after the other, whatever this is.
   */
  partitionsConsumedConcurrently?: number;
  /**
   * false: a live view. Offsets are never committed (a group of its own per process, which
   * the broker forgets once empty); a group without offsets starts at the end unless
   * `fromBeginning` says otherwise. Default true.
   */
  commit?: boolean;
  /** Longest wait of a fetch for new records (Kafka only; lower means lower latency). */
  maxWaitTimeMs?: number;
  /**
   * Called once if the client gives up on this consumer (a crash it does not restart from):
   * from then on the group's partitions go unhandled by this process, so the service should
   * say it is broken (liveness) rather than look healthy.
   */
  onGiveUp?(error: Error): void;
}

export interface RunningConsumer {
  stop(): Promise<void>;
  /** Resolves once this member has joined its group (and so has its partitions assigned). */
  joined: Promise<void>;
}

export interface BatchingProducerOptions {
  /** How long the first record of a batch may wait for company when no batch is in flight. */
  lingerMs: number;
  /** Flush as soon as this many records are waiting. */
  maxBatchRecords: number;
  /**
   * Upper bound of one request's key + value bytes (default 768 KiB). Kafka refuses a request
   * whose record batch for a partition exceeds `message.max.bytes` (1 MiB by default), and a
   * refused batch would fail every caller in it: cutting batches by size keeps large records
   * from poisoning their neighbours. A single record larger than this still goes alone.
   */
  maxBatchBytes?: number;
  /** Called after each request with its size and outcome (for metrics). */
  onBatch?: (outcome: BatchOutcome) => void;
}

export interface BatchOutcome {
  records: number;
  bytes: number;
  durationMs: number;
  ok: boolean;
}
