import type { Logger } from 'pino';
import { DEFAULT_PARTITIONS } from '@dock/contracts';
import type { BusProducer, MessageBus, RunningConsumer } from '@dock/kafka';
import type { FileTopics } from './file-topics';
import type { ResourceRequestHandler } from './resource-request-handler';
import type { TaskEventHandler } from './task-event-handler';

export interface FileKafkaSettings {
  topics: FileTopics;
  /** Consumer groups are "<prefix>.resource-requests" and "<prefix>.task-events". */
  groupPrefix: string;
  /** Close the bus at stop (it was made for this service rather than handed in). */
  ownsBus?: boolean;
}

/**
 * The file service's message-bus wiring (Kafka, or the embedded mode's in-process bus): two consumer groups (dock requests, task events) and one
 * producer (request replies). Started once the database is ready; stopped before it closes.
 */
export class FileKafkaBridge {
  private readonly consumers: RunningConsumer[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly producer: BusProducer,
    private readonly settings: FileKafkaSettings,
    private readonly logger: Logger,
  ) {}

  get topics(): FileTopics {
    return this.settings.topics;
  }

  async start(handlers: {
    requests: ResourceRequestHandler;
    taskEvents: TaskEventHandler;
  }): Promise<void> {
    const { topics } = this.settings;
    await this.bus.ensureTopics(
      [topics.requests, topics.requestReplies, topics.taskEvents].map((topic) => ({
        topic,
        numPartitions: DEFAULT_PARTITIONS[topic] ?? 3,
      })),
    );
    await this.producer.connect();
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${this.settings.groupPrefix}.resource-requests`,
        topics: [topics.requests],
        logger: this.logger,
        handleBatch: (records) => handlers.requests.handleBatch(records),
      }),
    );
    this.consumers.push(
      await this.bus.subscribe({
        groupId: `${this.settings.groupPrefix}.task-events`,
        topics: [topics.taskEvents],
        logger: this.logger,
        handleBatch: (records) => handlers.taskEvents.handleBatch(records),
      }),
    );
    this.logger.info({ topics }, 'consuming dock requests and task events');
  }

  /** Stops intake first, then sends what is still queued. */
  async stop(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop()));
    await this.producer.disconnect().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'producer did not disconnect cleanly');
    });
    if (this.settings.ownsBus) await this.bus.close();
  }
}
