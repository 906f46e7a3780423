import { Consumer, IHeaders } from 'kafkajs';
import { createKafkaClient } from '@dock/kafka';
import { infraSettings, uniqueName } from '../../../support/infra-settings';
import { testLogger } from './gateway-harness';

export interface CollectedRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly headers: Record<string, string>;
  readonly value: Record<string, unknown>;
}

/** Reads the given topics from the beginning and keeps every record (JSON values). */
export class KafkaCollector {
  readonly records: CollectedRecord[] = [];
  private consumer: Consumer | undefined;

  async start(topics: readonly string[]): Promise<void> {
    const kafka = createKafkaClient({
      brokers: infraSettings.kafkaBrokers,
      clientId: 'gateway-test-collector',
      logger: testLogger,
    });
    const consumer = kafka.consumer({
      groupId: uniqueName('it-gateway-collector'),
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        this.records.push({
          topic,
          key: message.key?.toString() ?? null,
          headers: stringHeaders(message.headers),
          value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
        });
      },
    });
    await joined;
  }

  on(topic: string, filter: (record: CollectedRecord) => boolean = () => true): CollectedRecord[] {
    return this.records.filter((record) => record.topic === topic && filter(record));
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}
