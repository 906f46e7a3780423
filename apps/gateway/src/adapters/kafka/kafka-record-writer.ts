import { BusProducer, encodeRecord } from '@dock/kafka';
import type { OutgoingRecord, RecordWriter } from '../../domain/shared/ports';

/**
 * RecordWriter over the bus's producer (Kafka's batching producer, or the in-process bus): the records of every connection and consumer are
 * gathered into few Kafka requests, and each write resolves when Kafka acknowledged it
 * (idempotent producer, acks from all in-sync replicas).
 */
export class KafkaRecordWriter implements RecordWriter {
  constructor(
    private readonly producer: BusProducer,
    private readonly onWritten: (topic: string) => void = () => undefined,
  ) {}

  async write(records: readonly OutgoingRecord[]): Promise<void> {
    await this.producer.sendAll(
      records.map((record) => ({
        topic: record.topic,
        message: encodeRecord(record.key, record.value, record.headers),
      })),
    );
    for (const record of records) this.onWritten(record.topic);
  }
}
