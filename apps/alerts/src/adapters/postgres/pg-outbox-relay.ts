import type { DataSource } from 'typeorm';
import type { Message } from 'kafkajs';
import { encodeRecord } from '@dock/kafka';
import type { OutboxRelay } from '../../application/ports';

type Row = Record<string, unknown>;

export type OutboxSender = (records: { topic: string; message: Message }[]) => Promise<void>;

/**
 * (As the mission service's relay.) Sends the outbox to Kafka and deletes what Kafka acknowledged, in one transaction. One
 * replica relays at a time (a transaction-scoped advisory lock per schema), so records keep
 * the order in which the changes committed. A crash between the acknowledgement and the
 * commit sends a batch again: consumers see at-least-once delivery, as with any Kafka topic.
 */
export class PgOutboxRelay implements OutboxRelay {
  constructor(
    private readonly dataSource: DataSource,
    private readonly send: OutboxSender,
    private readonly batch = 500,
  ) {}

  relay(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = (await manager.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('alerts-outbox:' || current_schema())) AS locked`,
      )) as Row[];
      if (lock?.locked !== true) return 0;
      const rows = (await manager.query(
        'SELECT id, topic, key, payload FROM outbox ORDER BY id LIMIT $1',
        [this.batch],
      )) as Row[];
      if (rows.length === 0) return 0;
      await this.send(
        rows.map((row) => ({
          topic: row.topic as string,
          message: encodeRecord(row.key as string, row.payload),
        })),
      );
      await manager.query('DELETE FROM outbox WHERE id = ANY($1)', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }
}
