import { Client } from 'pg';
import pino from 'pino';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { eventually } from '../../../../test/support/eventually';
import { infraSettings, uniqueName } from '../../../../test/support/infra-settings';
import { createPostgresDataSource } from './create-postgres-data-source';
import { OutboxRelayLoop } from './outbox-relay-loop';
import { OUTBOX_LOCKED, PgOutboxRelay } from './pg-outbox-relay';

class CreateOutbox1700000000000 implements MigrationInterface {
  name = 'CreateOutbox1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE TABLE outbox (id bigserial PRIMARY KEY, topic text NOT NULL, key text NOT NULL, payload jsonb NOT NULL)',
    );
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbox');
  }
}

/**
 * Two replicas' relays on one schema (real PostgreSQL): the one that finds the relay lock taken
 * tries again within milliseconds, not after its interval, so a record committed while the
 * other replica held the lock leaves promptly.
 */
describe('OutboxRelayLoop against PostgreSQL', () => {
  const schema = uniqueName('platform_outbox', '_');
  const logger = pino({ level: 'silent' });
  const admin = new Client({ connectionString: infraSettings.databaseUrl });
  let dataSource: DataSource;

  beforeAll(async () => {
    await admin.connect();
    dataSource = await createPostgresDataSource({
      url: infraSettings.databaseUrl,
      schema,
      entities: [],
      migrations: [CreateOutbox1700000000000],
      logger,
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('retries soon after losing the lock to the other replica, and sends the record', async () => {
    const sent: string[] = [];
    const relay = new PgOutboxRelay(
      dataSource,
      async (records) => {
        sent.push(...records.map((r) => String(r.message.key)));
      },
      { service: 'it-relay' },
    );
    // The other replica: holds the relay lock in an open transaction.
    const other = new Client({ connectionString: infraSettings.databaseUrl });
    await other.connect();
    try {
      await other.query(`SET search_path = ${schema}`);
      await other.query('BEGIN');
      await other.query(
        `SELECT pg_advisory_xact_lock(hashtext('it-relay-outbox:' || current_schema()))`,
      );
      await admin.query(
        `INSERT INTO "${schema}".outbox (topic, key, payload) VALUES ('t', 'dock-1', '{}')`,
      );
      expect(await relay.relay()).toBe(OUTBOX_LOCKED);

      // An interval far beyond the test's patience: only the quick retry can send in time.
      const loop = new OutboxRelayLoop(relay, 600_000, logger);
      loop.start();
      try {
        await new Promise((r) => setTimeout(r, 50));
        expect(sent).toEqual([]);
        await other.query('COMMIT');
        const released = Date.now();
        await eventually(() => expect(sent).toEqual(['dock-1']), {
          timeoutMs: 5_000,
          intervalMs: 5,
        });
        // The backoff had reached 40-80 ms when the lock came free; a slow machine adds more.
        expect(Date.now() - released).toBeLessThan(2_000);
      } finally {
        await loop.stop();
      }
      const left = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".outbox`);
      expect(left.rows[0].n).toBe(0);
    } finally {
      await other.end();
    }
  });
});
