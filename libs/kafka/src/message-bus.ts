import type { IHeaders } from 'kafkajs';
import type { BatchingProducerOptions } from './batching-producer';
import type { ConsumerSettings, RunningConsumer } from './consumer-runner';
import type { TopicSpec } from './topic-admin';

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
  headers?: IHeaders;
}

/** One record as a consumer gets it (kafkajs `KafkaMessage` is one). */
export interface BusMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
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
