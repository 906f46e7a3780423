// The embedded PostgreSQL (PGlite behind PgliteWireServer): a service's own migrations and
// repository run on it unchanged over `pg`/TypeORM; connections take turns a whole
// transaction at a time; the data survives a restart.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createLogger, createPostgresDataSource } from '@dock/platform';
import { PgRetentionStore } from '../../../telemetry/src/adapters/postgres/pg-retention-store';
import { PgTelemetryWriter } from '../../../telemetry/src/adapters/postgres/pg-telemetry-writer';
import { TELEMETRY_MIGRATIONS } from '../../../telemetry/src/adapters/postgres/telemetry-schema';
import type { ProgressRow } from '../../../telemetry/src/domain/telemetry-rows';
import { EmbeddedPostgresProcess, spawnEmbeddedPostgres } from '../../test/spawn-embedded-postgres';

jest.setTimeout(120_000);

const logger = createLogger({ service: 'embedded-pg-it', level: 'warn' });
const DAY = 86_400_000;

function progress(tid: string, receivedAt: number): ProgressRow {
  return {
    gatewaySn: 'DOCK-E',
    dedupeKey: tid,
    tid,
    bid: 'F-E',
    eventAt: receivedAt,
    receivedAt,
    flightId: 'F-E',
    status: 'in_progress',
    isFinal: false,
    result: 0,
    currentStep: 21,
    percent: 1,
    waypointIndex: 0,
    waylineId: 0,
    waylineMissionState: 6,
    mediaCount: 0,
    trackId: null,
    breakPoint: null,
    ext: null,
  };
}

const batchOf = (rows: ProgressRow[]) => ({
  progress: rows,
  rth: [],
  exitHoming: [],
  ready: [],
  topo: [],
  position: [],
});

describe('EmbeddedPostgres', () => {
  let dataDir: string;
  // In a process of its own: PGlite's dynamic imports do not load under jest.
  let postgres: EmbeddedPostgresProcess;
  let dataSource: DataSource;

  const telemetry = (url: string) =>
    createPostgresDataSource({
      url,
      schema: 'telemetry',
      entities: [],
      migrations: TELEMETRY_MIGRATIONS,
      logger,
      poolSize: 3,
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'embedded-pg-'));
    postgres = await spawnEmbeddedPostgres(dataDir, ['telemetry']);
    dataSource = await telemetry(postgres.urls.telemetry);
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await postgres?.stop();
  });

  it("runs telemetry's migrations and its writer and retention, in the service's schema", async () => {
    const tables = await dataSource.query<{ table_name: string }[]>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'telemetry'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['migrations', 'progress_reports', 'flight_latest']),
    );
    const now = Date.now();
    const rows = [progress('old', now - 40 * DAY), progress('new', now)];
    const writer = new PgTelemetryWriter(dataSource);
    expect((await writer.write(batchOf(rows))).progress).toEqual({
      stored: 2,
      duplicates: 0,
      fromOtherDock: 0,
    });
    expect((await writer.write(batchOf(rows))).progress).toEqual({
      stored: 0,
      duplicates: 2,
      fromOtherDock: 0,
    });
    const report = await new PgRetentionStore(dataSource, 'telemetry').purge(
      new Date(now - 30 * DAY),
      10,
    );
    expect(report.deleted.progress_reports).toBe(1);
  });

  it('lets connections take turns a transaction at a time, each with its own search_path', async () => {
    const url = postgres.urls.telemetry;
    const other = new Pool({ connectionString: url, max: 4, options: '-c search_path=elsewhere' });
    await other.query('CREATE SCHEMA IF NOT EXISTS elsewhere');
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        if (i % 2 === 0) {
          return dataSource.transaction(async (manager) => {
            await manager.query('SELECT pg_sleep(0.002)');
            const [row] = await manager.query('SELECT current_schema() AS s, $1::int AS i', [i]);
            return `${row.s}:${row.i}`;
          });
        }
        const client = await other.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query('SELECT current_schema() AS s, $1::int AS i', [i]);
          await client.query('COMMIT');
          return `${rows[0].s}:${rows[0].i}`;
        } finally {
          client.release();
        }
      }),
    );
    expect(results).toEqual(
      Array.from({ length: 12 }, (_, i) => `${i % 2 === 0 ? 'telemetry' : 'elsewhere'}:${i}`),
    );
    await other.end();
  });

  it('rolls back what a connection that went away left open', async () => {
    const url = postgres.urls.telemetry;
    const quitter = new Client({ connectionString: url, options: '-c search_path=telemetry' });
    quitter.on('error', () => undefined); // its connection is cut below, on purpose
    await quitter.connect();
    await quitter.query('BEGIN');
    await quitter.query('CREATE TABLE abandoned (id int)');
    (
      quitter as unknown as { connection: { stream: { destroy(): void } } }
    ).connection.stream.destroy();
    const [row] = await dataSource.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'abandoned'",
    );
    expect(row.n).toBe(0);
  });

  it('keeps the data across a restart', async () => {
    await dataSource.destroy();
    await postgres.stop();
    postgres = await spawnEmbeddedPostgres(dataDir, ['telemetry']);
    dataSource = await telemetry(postgres.urls.telemetry);
    const rows = await dataSource.query<{ tid: string }[]>('SELECT tid FROM progress_reports');
    expect(rows.map((r) => r.tid)).toEqual(['new']);
  });
});
