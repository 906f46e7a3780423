import type { Logger } from 'pino';
import { DEFAULT_PARTITIONS } from '@dock/contracts';
import type { BusProducer, ConsumerSettings, MessageBus, RunningConsumer } from './message-bus';

/** A service's bus, and whether the service made it (and so closes it) or was handed it. */
export interface OwnedBus<B extends MessageBus = MessageBus> {
  readonly bus: B;
  /** Made for this service (Kafka at KAFKA_BROKERS): closed at disconnect. Handed in: not. */
  readonly owned: boolean;
}

/** One consumer group of a service: its id, its topics and what handles its batches. */
export type ConsumerGroup = Omit<ConsumerSettings, 'logger'>;

/**
 * A service's wiring to the message bus (Kafka, or the embedded mode's in-process bus): its
 * topics, its producer (if it sends) and its consumer groups, started once the database is
 * up and stopped before it closes. Replicas share each group's partitions; offsets commit
 * after the handler's database write.
 */
export class ServiceBridge<P extends BusProducer | undefined = BusProducer> {
  private readonly consumers: RunningConsumer[] = [];

  constructor(
    private readonly owned: OwnedBus,
    /** The service's producer (replies, the outbox relay); undefined if it only consumes. */
    readonly producer: P,
    /** Every topic the service reads or writes: created when missing. */
    private readonly topics: readonly string[],
    private readonly logger: Logger,
  ) {}

  get bus(): MessageBus {
    return this.owned.bus;
  }

  /** Topics exist and the producer is connected: the outbox relay may send. */
  async connect(): Promise<void> {
    // None listed: the topics are the operator's (the gateway with GATEWAY_CREATE_TOPICS=false).
    if (this.topics.length > 0) {
      await this.owned.bus.ensureTopics(
        [...new Set(this.topics)].map((topic) => ({
          topic,
          numPartitions: DEFAULT_PARTITIONS[topic] ?? 3,
        })),
      );
    }
    await this.producer?.connect();
  }

  /** Joins each group in turn (the order of the list). */
  async startConsumers(groups: readonly ConsumerGroup[]): Promise<void> {
    for (const group of groups) {
      this.consumers.push(await this.owned.bus.subscribe({ ...group, logger: this.logger }));
    }
    this.logger.info(
      { groups: groups.map((group) => ({ groupId: group.groupId, topics: group.topics })) },
      'consuming',
    );
  }

  /** Resolves once every consumer has joined its group. */
  async consumersJoined(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.joined));
  }

  /** Stops intake: each group's current batch finishes (and commits) or is redelivered later. */
  async stopConsumers(): Promise<void> {
    const results = await Promise.allSettled(
      this.consumers.splice(0).map((consumer) => consumer.stop()),
    );
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.warn({ err: result.reason }, 'consumer did not stop cleanly');
      }
    }
  }

  /** Sends what the producer still holds, then closes the bus if the service made it. */
  async disconnect(): Promise<void> {
    await this.producer?.disconnect().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'producer did not disconnect cleanly');
    });
    if (this.owned.owned) await this.owned.bus.close();
  }
}
