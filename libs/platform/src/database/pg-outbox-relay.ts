import type { Message } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { encodeRecord } from '@dock/kafka';

type Row = Record<string, unknown>;

export type OutboxSender = (records: { topic: string; message: Message }[]) => Promise<void>;

/**
 * A transactional outbox (table `outbox (id, topic, key, payload, created_at)` in the service's
 * schema) sent to Kafka: what Kafka acknowledged is deleted in the same transaction. One replica
 * relays at a time (a transaction-scoped advisory lock per service and schema), so records keep
 * the order in which the changes committed. A crash between the acknowledgement and the commit
 * sends a batch again: consumers see at-least-once delivery, as with any Kafka topic. (The
 * mission and alerts services keep their own copies of this from before it was shared.)
 */
export class PgOutboxRelay {
  constructor(
    private readonly dataSource: DataSource,
    /** The advisory lock's name, e.g. "media-outbox". */
    private readonly lockName: string,
    private readonly send: OutboxSender,
    private readonly batch = 500,
  ) {}

  /** Sends one batch; returns how many records went (0: nothing to send, or another replica). */
  relay(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = (await manager.query(
        `SELECT pg_try_advisory_xact_lock(hashtext($1 || ':' || current_schema())) AS locked`,
        [this.lockName],
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
