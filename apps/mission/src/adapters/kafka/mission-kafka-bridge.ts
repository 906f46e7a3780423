import type { Logger } from 'pino';
import { DEFAULT_PARTITIONS } from '@dock/contracts';
import type { BusProducer, MessageBus, RunningConsumer } from '@dock/kafka';
import type { CommandReplyHandler } from './command-reply-handler';
import type { DeviceEventHandler } from './device-event-handler';
import type { MissionTopics } from './mission-topics';
import type { UplinkEventHandler } from './uplink-event-handler';

export interface MissionKafkaSettings {
  topics: MissionTopics;
  /** Consumer groups are "<prefix>.command-replies", "<prefix>.uplink-events" and "<prefix>.device-events". */
  groupPrefix: string;
  /** Close the bus at disconnect (it was made for this service rather than handed in). */
  ownsBus?: boolean;
}

/**
 * The mission service's message-bus wiring (Kafka, or the embedded mode's in-process bus): three consumer groups (command outcomes, dock events, the registry's dock bindings) and
 * one producer (the outbox relay's commands and task events).
 */
export class MissionKafkaBridge {
  private readonly consumers: RunningConsumer[] = [];

  constructor(
    private readonly bus: MessageBus,
    readonly producer: BusProducer,
    private readonly settings: MissionKafkaSettings,
    private readonly logger: Logger,
  ) {}

  /** Topics exist and the producer is connected: the relay may send. */
  async connect(): Promise<void> {
    const { topics } = this.settings;
    await this.bus.ensureTopics(
      [
        topics.commands,
        topics.commandReplies,
        topics.uplinkEvents,
        topics.taskEvents,
        topics.deviceEvents,
      ].map((topic) => ({ topic, numPartitions: DEFAULT_PARTITIONS[topic] ?? 3 })),
    );
    await this.producer.connect();
  }

  async startConsumers(handlers: {
    replies: CommandReplyHandler;
    events: UplinkEventHandler;
    devices: DeviceEventHandler;
  }): Promise<void> {
    const { topics, groupPrefix } = this.settings;
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${groupPrefix}.command-replies`,
        topics: [topics.commandReplies],
        logger: this.logger,
        handleBatch: (records) => handlers.replies.handleBatch(records),
      }),
    );
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${groupPrefix}.uplink-events`,
        topics: [topics.uplinkEvents],
        logger: this.logger,
        handleBatch: (records) => handlers.events.handleBatch(records),
      }),
    );
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${groupPrefix}.device-events`,
        topics: [topics.deviceEvents],
        logger: this.logger,
        handleBatch: (records) => handlers.devices.handleBatch(records),
      }),
    );
    this.logger.info(
      { topics, groupPrefix },
      'consuming command replies, dock events and dock bindings',
    );
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
