import type { Logger } from 'pino';
import { DEFAULT_PARTITIONS } from '@dock/contracts';
import type { BusProducer, MessageBus, RunningConsumer } from '@dock/kafka';
import type { AlertsTopics } from './alerts-topics';
import type { HmsHandler } from './hms-handler';
import type { WebhookSourceHandler } from './webhook-source-handler';

export interface AlertsKafkaSettings {
  topics: AlertsTopics;
  /** Consumer groups are "<prefix>.hms" and "<prefix>.webhooks". */
  groupPrefix: string;
  /** Close the bus at disconnect (it was made for this service rather than handed in). */
  ownsBus?: boolean;
}

/**
 * The alerts service's message-bus wiring (Kafka, or the embedded mode's in-process bus): two
 * consumer groups (hms from dock events; webhook sources) and one producer (the outbox relay's
 * alerts.hms). Replicas share each group's partitions; offsets commit after the database write.
 */
export class AlertsKafkaBridge {
  private readonly consumers: RunningConsumer[] = [];

  constructor(
    private readonly bus: MessageBus,
    readonly producer: BusProducer,
    private readonly settings: AlertsKafkaSettings,
    private readonly logger: Logger,
  ) {}

  get topics(): AlertsTopics {
    return this.settings.topics;
  }

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
    hms: HmsHandler;
    webhooks: WebhookSourceHandler;
  }): Promise<void> {
    const { topics, groupPrefix } = this.settings;
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${groupPrefix}.hms`,
        topics: [topics.uplinkEvents],
        logger: this.logger,
        handleBatch: (records) => handlers.hms.handleBatch(records),
      }),
    );
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${groupPrefix}.webhooks`,
        topics: [topics.taskEvents, topics.uplinkEvents, topics.hmsAlerts, topics.deviceEvents],
        logger: this.logger,
        handleBatch: (records) => handlers.webhooks.handleBatch(records),
      }),
    );
    this.logger.info({ topics, groupPrefix }, 'consuming dock events, task, device and hms events');
  }

  async stopConsumers(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop()));
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'producer did not disconnect cleanly');
    });
    if (this.settings.ownsBus) await this.bus.close();
  }
}
