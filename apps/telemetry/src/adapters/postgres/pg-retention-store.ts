import type { DataSource } from 'typeorm';
import type { RetentionStore } from '../../domain/telemetry-writer';
import { RETAINED_TABLES } from './telemetry-schema';

/**
 * Deletes rows received before the cutoff, a few thousand at a time: each DELETE is its own
 * short statement on rows nobody writes any more (ctid of a LIMITed sub-select), so the
 * consumer's inserts never wait behind a long transaction or a table lock. A session-level
 * advisory lock, per schema, lets one replica run a pass while the others skip theirs.
 */
export class PgRetentionStore implements RetentionStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async purge(
    cutoff: Date,
    batchRows: number,
  ): Promise<{ ran: boolean; deleted: Record<string, number> }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const lockKey = `telemetry-retention:${this.schema}`;
    const deleted: Record<string, number> = {};
    try {
      const [lock] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        lockKey,
      ])) as { locked: boolean }[];
      if (!lock?.locked) return { ran: false, deleted };
      try {
        for (const table of RETAINED_TABLES) {
          deleted[table] = 0;
          for (;;) {
            // node-postgres gives [rows, affected count] for a DELETE through TypeORM.
            const result = await runner.query(
              `DELETE FROM ${table} WHERE ctid IN (
                 SELECT ctid FROM ${table} WHERE received_at < $1 LIMIT $2)`,
              [cutoff.toISOString(), batchRows],
            );
            const count = affectedRows(result);
            deleted[table] += count;
            if (count < batchRows) break;
            // Let the event loop serve requests and consumer batches between steps.
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
      }
      return { ran: true, deleted };
    } finally {
      await runner.release();
    }
  }
}

function affectedRows(result: unknown): number {
  if (Array.isArray(result) && typeof result[1] === 'number') return result[1];
  return 0;
}
