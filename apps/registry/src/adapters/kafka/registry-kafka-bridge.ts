import type { Logger } from 'pino';
import { DEFAULT_PARTITIONS } from '@dock/contracts';
import type { BusProducer, MessageBus, RunningConsumer } from '@dock/kafka';
import type { BindingRequestHandler } from './binding-request-handler';
import type { DeviceUplinkHandler } from './device-uplink-handler';
import type { RegistryTopics } from './registry-topics';

export interface RegistryKafkaSettings {
  topics: RegistryTopics;
  /** Consumer groups are "<prefix>.binding-requests" and "<prefix>.device-uplink". */
  groupPrefix: string;
  /** Close the bus at stop (it was made for this service rather than handed in). */
  ownsBus?: boolean;
}

/**
 * The registry's message-bus wiring (Kafka, or the embedded mode's in-process bus): two
 * consumer groups (dock requests; status, osd and state) and one producer (request replies
 * and the outbox's device events). Replicas share the partitions of each group.
 */
export class RegistryKafkaBridge {
  private readonly consumers: RunningConsumer[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly producer: BusProducer,
    private readonly settings: RegistryKafkaSettings,
    private readonly logger: Logger,
  ) {}

  get topics(): RegistryTopics {
    return this.settings.topics;
  }

  /** Topics and the producer: needed by the outbox relay before consuming starts. */
  async connect(): Promise<void> {
    await this.bus.ensureTopics(
      Object.values(this.settings.topics).map((topic) => ({
        topic,
        numPartitions: DEFAULT_PARTITIONS[topic] ?? 3,
      })),
    );
    await this.producer.connect();
  }

  async startConsumers(handlers: {
    requests: BindingRequestHandler;
    uplink: DeviceUplinkHandler;
  }): Promise<void> {
    const { topics } = this.settings;
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${this.settings.groupPrefix}.binding-requests`,
        topics: [topics.requests],
        logger: this.logger,
        handleBatch: (records) => handlers.requests.handleBatch(records),
      }),
    );
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${this.settings.groupPrefix}.device-uplink`,
        topics: [topics.status, topics.osd, topics.state],
        logger: this.logger,
        handleBatch: (records) => handlers.uplink.handleBatch(records),
      }),
    );
    this.logger.info({ topics }, 'consuming dock requests, status, osd and state');
  }

  async stopConsumers(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop()));
  }

  /** Sends what is still queued, then closes. */
  async disconnect(): Promise<void> {
    await this.producer.disconnect().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'producer did not disconnect cleanly');
    });
    if (this.settings.ownsBus) await this.bus.close();
  }
}
