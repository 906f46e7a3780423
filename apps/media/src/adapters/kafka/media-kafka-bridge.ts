import type { Logger } from 'pino';
import { DEFAULT_PARTITIONS } from '@dock/contracts';
import type { BusProducer, MessageBus, RunningConsumer } from '@dock/kafka';
import type { MediaEventHandler, StorageRequestHandler } from './media-handlers';
import type { MediaTopics } from './media-topics';

export interface MediaKafkaSettings {
  topics: MediaTopics;
  /** Consumer groups are "<prefix>.requests" and "<prefix>.events". */
  groupPrefix: string;
  ownsBus?: boolean;
}

/**
 * The media service's bus wiring: storage requests in their own group (answered while the
 * dock waits, never behind a backlog of events), and one group for dock events, task events
 * and command replies. One producer: request replies, prioritize commands and the outbox.
 */
export class MediaKafkaBridge {
  private readonly consumers: RunningConsumer[] = [];

  constructor(
    private readonly bus: MessageBus,
    readonly producer: BusProducer,
    private readonly settings: MediaKafkaSettings,
    private readonly logger: Logger,
  ) {}

  get topics(): MediaTopics {
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
    requests: StorageRequestHandler;
    events: MediaEventHandler;
  }): Promise<void> {
    const { topics, groupPrefix } = this.settings;
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${groupPrefix}.requests`,
        topics: [topics.uplinkRequests],
        logger: this.logger,
        handleBatch: (records) => handlers.requests.handleBatch(records),
      }),
    );
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${groupPrefix}.events`,
        topics: [topics.uplinkEvents, topics.taskEvents, topics.commandReplies],
        logger: this.logger,
        handleBatch: (records) => handlers.events.handleBatch(records),
      }),
    );
    this.logger.info({ topics, groupPrefix }, 'consuming storage requests, dock and task events');
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
