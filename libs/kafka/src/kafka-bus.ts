import type { Admin, Kafka } from 'kafkajs';
import { BatchingProducer } from './batching-producer';
import { startConsumer } from './consumer-runner';
import { createKafkaClient, KafkaClientSettings } from './kafka-client';
import type {
  BatchingProducerOptions,
  BusProducer,
  ConsumerSettings,
  MessageBus,
  RunningConsumer,
  TopicSpec,
} from './message-bus';
import { ensureTopics } from './topic-admin';

/** The MessageBus over Kafka: the batching idempotent producer and the commit-after-handle runner. */
export interface KafkaBusOptions {
  /**
   * Told when a consumer group of this bus stops for good (kafkajs gave up restarting it).
   * Services mark themselves broken here, so their liveness probe gets the pod restarted.
   */
  onConsumerGaveUp?(groupId: string, error: Error): void;
}

export class KafkaBus implements MessageBus {
  readonly kind = 'kafka';
  private admin: Admin | undefined;
  private adminConnecting: Promise<void> | undefined;
  /** Consumer groups that stopped for good, with the reason: they fail `check()`. */
  private readonly gaveUp = new Map<string, Error>();

  constructor(
    readonly kafka: Kafka,
    private readonly options: KafkaBusOptions = {},
  ) {}

  static fromSettings(settings: KafkaClientSettings, options: KafkaBusOptions = {}): KafkaBus {
    return new KafkaBus(createKafkaClient(settings), options);
  }

  ensureTopics(specs: TopicSpec[]): Promise<void> {
    return ensureTopics(this.kafka, specs);
  }

  createProducer(options?: BatchingProducerOptions): BusProducer {
    return new BatchingProducer(this.kafka, options);
  }

  subscribe(settings: ConsumerSettings): Promise<RunningConsumer> {
    return startConsumer(this.kafka, {
      ...settings,
      onGiveUp: (error) => {
        this.gaveUp.set(settings.groupId, error);
        settings.onGiveUp?.(error);
        this.options.onConsumerGaveUp?.(settings.groupId, error);
      },
    });
  }

  /**
   * No consumer of this bus has given up, and the cluster's metadata can be read through an
   * admin connection (opened on first use).
   */
  async check(): Promise<void> {
    if (this.gaveUp.size > 0) {
      const groups = [...this.gaveUp].map(([group, error]) => `${group} (${error.message})`);
      throw new Error(`consumer groups stopped for good: ${groups.join(', ')}`);
    }
    if (!this.admin) {
      this.admin = this.kafka.admin();
      this.adminConnecting = this.admin.connect();
    }
    try {
      await this.adminConnecting;
      const cluster = await this.admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('cluster reports no brokers');
    } catch (error) {
      const broken = this.admin;
      this.admin = undefined;
      await broken?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
