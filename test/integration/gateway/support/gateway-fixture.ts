import { encodeRecord } from '@dock/kafka';
import type { Producer } from 'kafkajs';
import { AsyncApiContract } from '../../../support/asyncapi-contract';
import { DockSimulator } from './dock-simulator';
import {
  canonicalTopic,
  createTestTopics,
  deleteTestTopics,
  replicaGroup,
  ReplicaGroup,
  testKafkaClient,
} from './gateway-harness';
import { CollectedRecord, KafkaCollector } from './kafka-collector';

/**
 * What every gateway integration spec sets up alike: a replica group of this run (its own
 * topics, share group and Redis prefix), the topics created and deleted, a collector of what the
 * gateway writes to Kafka, the docks' MQTT client, and a producer standing in for the services
 * that write to the gateway (the mission's commands, the file service's and registry's replies).
 * The spec starts and stops its replicas itself (in process or as child processes).
 */
export class GatewayFixture {
  readonly group: ReplicaGroup;
  readonly dock = new DockSimulator();
  readonly kafka = new KafkaCollector();
  private contract?: AsyncApiContract;
  private producer?: Promise<Producer>;
  private sns = 0;

  constructor(prefix: string, env: Record<string, string> = {}) {
    this.group = replicaGroup(prefix, env);
  }

  get topics(): ReplicaGroup['topics'] {
    return this.group.topics;
  }

  get run(): string {
    return this.group.run;
  }

  /** Creates this run's topics, collects `collect` from the start and connects the dock client. */
  async start(collect: string[]): Promise<void> {
    await createTestTopics(this.topics);
    await this.kafka.start(collect);
    await this.dock.connect();
  }

  /** After the spec stopped its replicas: the producer, the dock client, the collector, the topics. */
  async stop(): Promise<void> {
    await (await this.producer?.catch(() => undefined))?.disconnect();
    await this.dock.close();
    await this.kafka.stop();
    await deleteTestTopics(this.topics);
  }

  /** A dock SN of this run (valid charset, unique): `<tag><run>-<n>`. */
  newSn(tag: string): string {
    this.sns += 1;
    return `${tag}${this.run}-${this.sns}`.slice(-60);
  }

  /** One connected producer for the run, as the services that write to the gateway use. */
  producerOf(): Promise<Producer> {
    this.producer ??= (async () => {
      const producer = testKafkaClient('it-services').producer();
      await producer.connect();
      return producer;
    })();
    return this.producer;
  }

  /** Writes a dock.request-replies record, as the file service or the registry does. */
  async sendRequestReply(value: {
    gatewaySn: string;
    tid: string;
    method: string;
    [field: string]: unknown;
  }): Promise<ReturnType<typeof encodeRecord>> {
    const message = encodeRecord(value.gatewaySn, value, { tid: value.tid, method: value.method });
    await (
      await this.producerOf()
    ).send({
      topic: this.topics.requestReplies,
      messages: [message],
    });
    return message;
  }

  /** Every record conforms to docs/asyncapi.yaml (under its topic's canonical name). */
  expectContract(records: CollectedRecord[]): void {
    this.contract ??= new AsyncApiContract();
    for (const record of records) {
      expect(this.contract.check(canonicalTopic(record.topic, this.run), record)).toEqual([]);
    }
  }
}
