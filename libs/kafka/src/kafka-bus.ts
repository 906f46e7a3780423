import type { Admin, Kafka } from 'kafkajs';
import { BatchingProducer, BatchingProducerOptions } from './batching-producer';
import { ConsumerSettings, RunningConsumer, startConsumer } from './consumer-runner';
import { createKafkaClient, KafkaClientSettings } from './kafka-client';
import type { BusProducer, MessageBus } from './message-bus';
import { ensureTopics, TopicSpec } from './topic-admin';

/** The MessageBus over Kafka: the batching idempotent producer and the commit-after-handle runner. */
export class KafkaBus implements MessageBus {
  readonly kind = 'kafka';
  private admin: Admin | undefined;
  private adminConnecting: Promise<void> | undefined;

  constructor(readonly kafka: Kafka) {}

  static fromSettings(settings: KafkaClientSettings): KafkaBus {
    return new KafkaBus(createKafkaClient(settings));
  }

  ensureTopics(specs: TopicSpec[]): Promise<void> {
    return ensureTopics(this.kafka, specs);
  }

  createProducer(options?: BatchingProducerOptions): BusProducer {
    return new BatchingProducer(this.kafka, options);
  }

  subscribe(settings: ConsumerSettings): Promise<RunningConsumer> {
    return startConsumer(this.kafka, settings);
  }

  /** The cluster's metadata can be read through an admin connection (opened on first use). */
  async check(): Promise<void> {
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
