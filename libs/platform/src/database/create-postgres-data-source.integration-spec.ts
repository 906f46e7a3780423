import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { infraSettings, uniqueName } from '../../../../test/support/infra-settings';
import { createLogger } from '../logging/create-logger';
import { createPostgresDataSource, MissingMigrationsError } from './create-postgres-data-source';

class CreateThings1700000000000 implements MigrationInterface {
  name = 'CreateThings1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE things');
  }
}

class AddColour1700000000001 implements MigrationInterface {
  name = 'AddColour1700000000001';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE things ADD COLUMN colour text');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE things DROP COLUMN colour');
  }
}

/** The shared DataSource factory against a real PostgreSQL: own schema, migrations, no sync. */
describe('createPostgresDataSource', () => {
  const schema = uniqueName('platform_db', '_');
  const logger = pino({ level: 'silent' });
  const admin = new Client({ connectionString: infraSettings.databaseUrl });

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  const create = () =>
    createPostgresDataSource({
      url: infraSettings.databaseUrl,
      schema,
      entities: [],
      migrations: [CreateThings1700000000000],
      logger,
    });

  it('creates the schema, runs migrations inside it and records them there', async () => {
    const dataSource = await create();
    try {
      const tables = await admin.query(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
        [schema],
      );
      expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toEqual([
        'migrations',
        'things',
      ]);
      expect(dataSource.options.synchronize).toBe(false);
      // Unqualified names resolve in the service's schema.
      await dataSource.query(`INSERT INTO things (name) VALUES ('a')`);
      const rows = await admin.query(`SELECT name FROM "${schema}".things`);
      expect(rows.rows).toEqual([{ name: 'a' }]);
    } finally {
      await dataSource.destroy();
    }
  });

  it('starts again (and in parallel) without running a migration twice', async () => {
    const [a, b] = await Promise.all([create(), create()]);
    await Promise.all([a.destroy(), b.destroy()]);
    const applied = await admin.query(`SELECT name FROM "${schema}".migrations`);
    expect(applied.rows).toEqual([{ name: 'CreateThings1700000000000' }]);
  });

  describe('with migrationsOnStart skip (DATABASE_MIGRATIONS=skip)', () => {
    const skipSchema = uniqueName('platform_skip', '_');
    afterAll(() => admin.query(`DROP SCHEMA IF EXISTS "${skipSchema}" CASCADE`));

    const withMigrations = (
      migrations: (typeof CreateThings1700000000000)[],
      migrationsOnStart: 'run' | 'skip',
    ) =>
      createPostgresDataSource({
        url: infraSettings.databaseUrl,
        schema: skipSchema,
        entities: [],
        migrations,
        logger,
        migrationsOnStart,
      });

    it('fails on a schema nobody migrated, naming the setting and every missing migration', async () => {
      const attempt = withMigrations([CreateThings1700000000000, AddColour1700000000001], 'skip');
      await expect(attempt).rejects.toBeInstanceOf(MissingMigrationsError);
      await expect(attempt).rejects.toThrow(
        `DATABASE_MIGRATIONS=skip, but schema "${skipSchema}" lacks 2 migration(s) this version ` +
          'needs: CreateThings1700000000000, AddColour1700000000001.',
      );
      // Only checked: the schema was not created.
      const found = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
        skipSchema,
      ]);
      expect(found.rowCount).toBe(0);
    });

    it('starts once the migrations ran elsewhere, and names only what a newer build adds', async () => {
      await (await withMigrations([CreateThings1700000000000], 'run')).destroy();
      const checked = await withMigrations([CreateThings1700000000000], 'skip');
      await checked.query('SELECT count(*) FROM things');
      await checked.destroy();
      await expect(
        withMigrations([CreateThings1700000000000, AddColour1700000000001], 'skip'),
      ).rejects.toThrow(/lacks 1 migration\(s\) this version needs: AddColour1700000000001\./);
      const applied = await admin.query(`SELECT name FROM "${skipSchema}".migrations`);
      expect(applied.rows).toEqual([{ name: 'CreateThings1700000000000' }]);
    });
  });

  it('logs a failed query without the secret among its parameters', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const dataSource = await createPostgresDataSource({
      url: infraSettings.databaseUrl,
      schema,
      entities: [],
      migrations: [CreateThings1700000000000],
      logger: createLogger({ service: 'test', level: 'error', destination }),
    });
    const secret = `https://files.example.com/downloads/x?expires=1&sig=${randomUUID()}`;
    const failures: unknown[] = [];
    try {
      // The value quoted in the message, and in the unique violation's detail.
      await dataSource.query('SELECT $1::uuid', [secret]).catch((e: unknown) => failures.push(e));
      await admin.query(
        `CREATE UNIQUE INDEX IF NOT EXISTS things_name ON "${schema}".things (name)`,
      );
      for (let i = 0; i < 2; i++) {
        await dataSource
          .query('INSERT INTO things (name) VALUES ($1)', [secret])
          .catch((e: unknown) => failures.push(e));
      }
      // What a caller does with the error it caught: log it through the same factory.
      createLogger({ service: 'test', destination }).error({ err: failures[1] }, 'insert failed');
    } finally {
      await dataSource.destroy();
    }
    expect(failures).toHaveLength(2);
    const failed = lines.filter((line) => line.includes('failed'));
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.join('\n')).toContain('things');
    for (const line of lines) expect(line).not.toContain(secret);
    expect(lines.join('\n')).not.toContain('sig=');
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(
      createPostgresDataSource({
        url: infraSettings.databaseUrl,
        schema: 'x"; DROP TABLE y; --',
        entities: [],
        migrations: [],
        logger,
      }),
    ).rejects.toThrow(/invalid schema name/);
  });
});
