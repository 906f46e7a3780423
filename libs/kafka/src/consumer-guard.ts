import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { ConsumerDeadLetterRecord, HEADERS, SCHEMA_VERSION } from '@dock/contracts';
import { ErrorClass, ErrorClassifier, withClassifier } from './consumer-errors';
import type {
  BatchInfo,
  BusHeaders,
  BusProducer,
  ConsumedRecord,
  ConsumerSettings,
  MessageBus,
  RunningConsumer,
  TopicSpec,
} from './message-bus';

export interface ConsumerGuardSettings {
  /** Attempts of a record that fails on its own before it is dead-lettered (default 3). */
  maxAttempts?: number;
  /** Pause after the first failed attempt of a lone record; doubles per attempt (default 100). */
  retryBackoffMs?: number;
  /**
   * A partition whose batch has not gone through for this long (failing, or its handler hung)
   * makes the readiness check fail, naming the group and partition (default 60 s).
   */
  stuckAfterMs?: number;
}

export interface ConsumerGuardOptions extends ConsumerGuardSettings {
  /** Prefix of the metric names (`<service>_consumer_...`), e.g. `telemetry`. */
  service: string;
  /** Where records that keep failing go (KAFKA_TOPICS.consumerDeadLetters[service]). */
  deadLetterTopic: string;
  logger: Logger;
  /** The service's Prometheus registry; without it no metrics are kept. */
  registry?: Registry;
  /** Asked first; `undefined` falls back to the default classification (consumer-errors.ts). */
  classify?: ErrorClassifier;
  /** Create the dead-letter topic when the first consumer starts (default true). */
  createTopic?: boolean;
  now?: () => number;
}

interface PartitionState {
  group: string;
  topic: string;
  partition: number;
  /** When the batch now waiting first started; undefined once the partition advanced. */
  waitingSince?: number;
  lastAttemptAt: number;
  offset: string;
  inFlight: boolean;
  lastError?: string;
}

interface GuardMetrics {
  retried: Counter<'group' | 'topic'>;
  deadLettered: Counter<'group' | 'topic'>;
  lag: Gauge<'group' | 'topic' | 'partition'>;
}

/**
 * Wraps a MessageBus so that no record can stall its partition, whatever the bus (Kafka or the
 * embedded in-process log): every committing consumer subscribed through it gets
 *
 * - isolation: a batch whose handler fails permanently is split (halves, recursively) until the
 *   failing record is alone; the others are handled;
 * - bounded retries: a lone record is tried `maxAttempts` times, then written with its error to
 *   the service's dead-letter topic, and the partition moves on;
 * - unbounded retries for transient failures (database or Kafka away): the handler's error is
 *   re-thrown and the bus redelivers the batch after its backoff; nothing is dead-lettered;
 * - metrics: `<service>_consumer_records_retried_total`, `..._dead_lettered_total` (by group
 *   and topic) and `<service>_consumer_lag` (by group, topic and partition);
 * - a readiness check (`checkConsumers`) that names a partition stuck behind one offset.
 *
 * Live views (`commit: false`) pass through untouched: they keep no offsets to stall.
 */
export class GuardedBus implements MessageBus {
  readonly kind: MessageBus['kind'];
  private readonly classify: (error: unknown) => ErrorClass;
  private readonly metrics: GuardMetrics | undefined;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly now: () => number;
  private topicReady: Promise<void> | undefined;
  private producer: BusProducer | undefined;
  private producerConnecting: Promise<void> | undefined;
  private running = 0;

  constructor(
    readonly inner: MessageBus,
    private readonly options: ConsumerGuardOptions,
  ) {
    this.kind = inner.kind;
    this.classify = withClassifier(options.classify);
    this.now = options.now ?? Date.now;
    this.metrics = options.registry ? guardMetrics(options.registry, options.service) : undefined;
  }

  ensureTopics(specs: TopicSpec[]): Promise<void> {
    return this.inner.ensureTopics(specs);
  }

  createProducer(...args: Parameters<MessageBus['createProducer']>): BusProducer {
    return this.inner.createProducer(...args);
  }

  async subscribe(settings: ConsumerSettings): Promise<RunningConsumer> {
    if (settings.commit === false) return this.inner.subscribe(settings);
    if (this.options.createTopic ?? true) {
      this.topicReady ??= this.inner
        .ensureTopics([{ topic: this.options.deadLetterTopic, numPartitions: 1 }])
        .catch((error: unknown) => {
          this.topicReady = undefined;
          throw error;
        });
      await this.topicReady;
    }
    const consumer = await this.inner.subscribe({
      ...settings,
      handleBatch: (records, batch) => this.handleBatch(settings, records, batch),
    });
    this.running++;
    let stopped = false;
    return {
      joined: consumer.joined,
      stop: async () => {
        await consumer.stop();
        if (stopped) return;
        stopped = true;
        this.forgetGroup(settings.groupId);
        if (--this.running === 0) await this.closeProducer();
      },
    };
  }

  /** The inner bus answers and no partition is stuck. */
  async check(): Promise<void> {
    await this.inner.check();
    await this.checkConsumers();
  }

  /**
   * Fails when a partition has waited longer than `stuckAfterMs` for its batch to go through
   * (failing, or a handler that does not return), naming the group, topic, partition and offset.
   */
  async checkConsumers(): Promise<void> {
    const stuckAfterMs = this.options.stuckAfterMs ?? 60_000;
    const now = this.now();
    const stuck = [...this.partitions.values()].filter(
      (state) =>
        state.waitingSince !== undefined &&
        now - state.waitingSince > stuckAfterMs &&
        // Still being tried here (a partition that moved to another member is not ours to judge).
        (state.inFlight || now - state.lastAttemptAt <= stuckAfterMs),
    );
    if (stuck.length === 0) return;
    const described = stuck.map(
      (state) =>
        `group ${state.group} ${state.topic}[${state.partition}] at offset ${state.offset} for ` +
        `${Math.round((now - (state.waitingSince ?? now)) / 1000)} s` +
        (state.lastError ? ` (${state.lastError})` : ''),
    );
    throw new Error(`consumer stuck: ${described.join('; ')}`);
  }

  async close(): Promise<void> {
    await this.closeProducer();
    await this.inner.close();
  }

  private async handleBatch(
    settings: ConsumerSettings,
    records: ConsumedRecord[],
    batch: BatchInfo | undefined,
  ): Promise<void> {
    if (records.length === 0) return settings.handleBatch(records, batch);
    const first = records[0];
    const state = this.stateOf(settings.groupId, first.topic, first.partition);
    state.waitingSince ??= this.now();
    state.offset = first.offset;
    state.lastAttemptAt = this.now();
    state.inFlight = true;
    try {
      await this.handleRange(settings, records, batch);
      state.waitingSince = undefined;
      state.lastError = undefined;
      this.setLag(settings.groupId, records, batch, records[records.length - 1].offset, 1n);
    } catch (error) {
      state.lastError = error instanceof Error ? error.message : String(error);
      this.metrics?.retried.inc({ group: settings.groupId, topic: first.topic }, records.length);
      this.setLag(settings.groupId, records, batch, first.offset, 0n);
      throw error;
    } finally {
      state.inFlight = false;
      state.lastAttemptAt = this.now();
    }
  }

  /**
   * Handles records in order. Throws only for a transient failure (the bus then redelivers
   * the whole batch; what went through before is handled again, handlers being idempotent).
   */
  private async handleRange(
    settings: ConsumerSettings,
    records: ConsumedRecord[],
    batch: BatchInfo | undefined,
  ): Promise<void> {
    let error: unknown;
    try {
      await settings.handleBatch(records, batch);
      return;
    } catch (caught) {
      error = caught;
    }
    if (this.classify(error) === 'transient') throw error;
    if (records.length === 1) {
      await this.retryAlone(settings, records[0], batch, error);
      return;
    }
    this.metrics?.retried.inc({ group: settings.groupId, topic: records[0].topic }, records.length);
    const middle = Math.ceil(records.length / 2);
    await this.handleRange(settings, records.slice(0, middle), batch);
    await this.handleRange(settings, records.slice(middle), batch);
  }

  /** A lone record that failed permanently once: a few more tries, then the dead letter. */
  private async retryAlone(
    settings: ConsumerSettings,
    record: ConsumedRecord,
    batch: BatchInfo | undefined,
    firstError: unknown,
  ): Promise<void> {
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 3);
    const backoffMs = this.options.retryBackoffMs ?? 100;
    let error = firstError;
    for (let attempt = 1; attempt < maxAttempts; attempt++) {
      this.metrics?.retried.inc({ group: settings.groupId, topic: record.topic });
      await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
      try {
        await settings.handleBatch([record], batch);
        return;
      } catch (caught) {
        error = caught;
        if (this.classify(error) === 'transient') throw error;
      }
    }
    await this.deadLetter(settings, record, error, maxAttempts);
  }

  private async deadLetter(
    settings: ConsumerSettings,
    record: ConsumedRecord,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const value = toConsumerDeadLetterRecord({
      service: this.options.service,
      group: settings.groupId,
      record,
      error,
      attempts,
      at: this.now(),
    });
    const producer = await this.connectedProducer();
    await producer.send(this.options.deadLetterTopic, {
      key: record.message.key,
      value: Buffer.from(JSON.stringify(value)),
      headers: {
        [HEADERS.schemaVersion]: String(SCHEMA_VERSION),
        [HEADERS.contentType]: 'application/json',
      },
    });
    this.metrics?.deadLettered.inc({ group: settings.groupId, topic: record.topic });
    settings.logger.error(
      {
        group: settings.groupId,
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        attempts,
        err: error,
        deadLetterTopic: this.options.deadLetterTopic,
      },
      'record failed every attempt; sent to the dead-letter topic and skipped',
    );
  }

  private async connectedProducer(): Promise<BusProducer> {
    if (!this.producer) {
      const producer = this.inner.createProducer();
      this.producer = producer;
      this.producerConnecting = producer.connect().catch((error: unknown) => {
        this.producer = undefined;
        throw error;
      });
    }
    const producer = this.producer;
    await this.producerConnecting;
    return producer;
  }

  private async closeProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (!producer) return;
    await this.producerConnecting?.catch(() => undefined);
    await producer.disconnect().catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'dead-letter producer did not disconnect cleanly');
    });
  }

  private stateOf(group: string, topic: string, partition: number): PartitionState {
    const key = `${group}\u0000${topic}\u0000${partition}`;
    let state = this.partitions.get(key);
    if (!state) {
      state = { group, topic, partition, lastAttemptAt: this.now(), offset: '0', inFlight: false };
      this.partitions.set(key, state);
    }
    return state;
  }

  private forgetGroup(group: string): void {
    for (const [key, state] of this.partitions) {
      if (state.group === group) this.partitions.delete(key);
    }
  }

  /** Lag after this batch: the high watermark minus the next offset to handle. */
  private setLag(
    group: string,
    records: ConsumedRecord[],
    batch: BatchInfo | undefined,
    offset: string,
    plus: bigint,
  ): void {
    if (!this.metrics || !batch) return;
    const lag = BigInt(batch.highWatermark) - (BigInt(offset) + plus);
    this.metrics.lag.set(
      { group, topic: records[0].topic, partition: String(records[0].partition) },
      Number(lag < 0n ? 0n : lag),
    );
  }
}

/** Wraps the bus a service consumes through (see GuardedBus). */
export function guardConsumers(bus: MessageBus, options: ConsumerGuardOptions): GuardedBus {
  return new GuardedBus(bus, options);
}

/** One set per service and registry (the embedded mode registers several services on one). */
function guardMetrics(registry: Registry, service: string): GuardMetrics {
  const prefix = `${service.replace(/[^a-zA-Z0-9_]/g, '_')}_consumer`;
  const existing = <T>(name: string): T | undefined =>
    registry.getSingleMetric(name) as T | undefined;
  return {
    retried:
      existing(`${prefix}_records_retried_total`) ??
      new Counter({
        name: `${prefix}_records_retried_total`,
        help: 'Consumed records handled again after their batch or they alone failed',
        labelNames: ['group', 'topic'],
        registers: [registry],
      }),
    deadLettered:
      existing(`${prefix}_records_dead_lettered_total`) ??
      new Counter({
        name: `${prefix}_records_dead_lettered_total`,
        help: 'Consumed records that failed every attempt and went to the dead-letter topic',
        labelNames: ['group', 'topic'],
        registers: [registry],
      }),
    lag:
      existing(`${prefix}_lag`) ??
      new Gauge({
        name: `${prefix}_lag`,
        help: 'Records waiting behind the last handled batch (high watermark - next offset)',
        labelNames: ['group', 'topic', 'partition'],
        registers: [registry],
      }),
  };
}

/** The dead-letter value: enough to understand the failure and to replay the record. */
export function toConsumerDeadLetterRecord(input: {
  service: string;
  group: string;
  record: ConsumedRecord;
  error: unknown;
  attempts: number;
  at: number;
}): ConsumerDeadLetterRecord {
  const { record, error } = input;
  return {
    schemaVersion: 1,
    service: input.service,
    group: input.group,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.message.timestamp,
    key: record.message.key === null ? null : record.message.key.toString('base64'),
    value: record.message.value === null ? null : record.message.value.toString('base64'),
    headers: headersAsBase64(record.message.headers),
    error: {
      message: (error instanceof Error ? error.message : String(error)).slice(0, 2_000),
      ...(errorCode(error) === undefined ? {} : { code: errorCode(error) }),
    },
    attempts: input.attempts,
    deadLetteredAt: new Date(input.at).toISOString(),
  };
}

function headersAsBase64(headers: BusHeaders | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    out[name] = values.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)).toString('base64'));
  }
  return out;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}
