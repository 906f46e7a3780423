import type { DataSource } from 'typeorm';
import type { Message } from 'kafkajs';
import { encodeRecord } from '@dock/kafka';
import type { OutboxRelay } from '../../application/ports';

type Row = Record<string, unknown>;
export type OutboxSender = (records: { topic: string; message: Message }[]) => Promise<void>;

/**
 * Sends the outbox to the bus and deletes what it acknowledged, in one transaction (as the
 * mission service does). One replica relays at a time (a transaction-scoped advisory lock per
 * schema), so device events keep their commit order; a crash between the acknowledgement and
 * the commit sends a batch again (at-least-once, like any Kafka topic).
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
        `SELECT pg_try_advisory_xact_lock(hashtext('registry-outbox:' || current_schema())) AS locked`,
      )) as Row[];
      if (lock?.locked !== true) return 0;
      const rows = (await manager.query(
        'SELECT id, topic, key, payload, headers FROM outbox ORDER BY id LIMIT $1',
        [this.batch],
      )) as Row[];
      if (rows.length === 0) return 0;
      await this.send(
        rows.map((row) => {
          const message = encodeRecord(row.key as string, row.payload);
          message.headers = { ...message.headers, ...(row.headers as Record<string, string>) };
          return { topic: row.topic as string, message };
        }),
      );
      await manager.query('DELETE FROM outbox WHERE id = ANY($1)', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }
}
