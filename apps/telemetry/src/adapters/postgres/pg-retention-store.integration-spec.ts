// Retention against a real PostgreSQL: small DELETE steps, only old rows, one replica at a time.
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createLogger, createPostgresDataSource } from '@dock/platform';
import { infraSettings, uniqueName } from '../../../../../test/support/infra-settings';
import type { ProgressRow, TelemetryBatch } from '../../domain/telemetry-rows';
import { PgRetentionStore } from './pg-retention-store';
import { PgTelemetryWriter } from './pg-telemetry-writer';
import { TELEMETRY_MIGRATIONS } from './telemetry-schema';

jest.setTimeout(60_000);

const DAY = 86_400_000;

function progress(tid: string, receivedAt: number): ProgressRow {
  return {
    gatewaySn: 'DOCK-R',
    dedupeKey: tid,
    tid,
    bid: 'F-R',
    eventAt: receivedAt,
    receivedAt,
    flightId: 'F-R',
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

const batchOf = (rows: ProgressRow[]): TelemetryBatch => ({
  progress: rows,
  rth: [],
  exitHoming: [],
  ready: [],
  topo: [],
  position: [],
});

describe('PgRetentionStore', () => {
  const schema = uniqueName('telemetry_ret', '_');
  let dataSource: DataSource;
  let other: Client;

  beforeAll(async () => {
    dataSource = await createPostgresDataSource({
      url: infraSettings.databaseUrl,
      schema,
      entities: [],
      migrations: TELEMETRY_MIGRATIONS,
      logger: createLogger({ service: 'telemetry-it', level: 'warn' }),
      poolSize: 3,
    });
    other = new Client({ connectionString: infraSettings.databaseUrl });
    await other.connect();
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
    await other?.end();
  });

  it('deletes rows received before the cutoff in small steps and keeps the rest', async () => {
    const now = Date.now();
    const old = Array.from({ length: 7 }, (_, i) => progress(`old-${i}`, now - 40 * DAY + i));
    const recent = [progress('recent-1', now - DAY), progress('recent-2', now)];
    const writer = new PgTelemetryWriter(dataSource);
    await writer.write(batchOf([...old, ...recent]));
    // Storing the same batch again changes nothing (idempotent writes).
    expect((await writer.write(batchOf([...old, ...recent]))).progress).toEqual({
      stored: 0,
      duplicates: 9,
      fromOtherDock: 0,
    });

    const report = await new PgRetentionStore(dataSource, schema).purge(
      new Date(now - 30 * DAY),
      2,
    );
    expect(report.ran).toBe(true);
    expect(report.deleted.progress_reports).toBe(7);
    const left = await dataSource.query<{ tid: string }[]>(
      'SELECT tid FROM progress_reports ORDER BY tid',
    );
    expect(left.map((r) => r.tid)).toEqual(['recent-1', 'recent-2']);
    // The flight's latest state came from a recent report, so it stays.
    expect(report.deleted.flight_latest).toBe(0);
  });

  it('skips the pass while another replica holds the retention lock', async () => {
    await other.query('SELECT pg_advisory_lock(hashtext($1))', [`telemetry-retention:${schema}`]);
    try {
      const report = await new PgRetentionStore(dataSource, schema).purge(new Date(), 100);
      expect(report).toEqual({ ran: false, deleted: {} });
    } finally {
      await other.query('SELECT pg_advisory_unlock(hashtext($1))', [
        `telemetry-retention:${schema}`,
      ]);
    }
    expect((await new PgRetentionStore(dataSource, schema).purge(new Date(0), 100)).ran).toBe(true);
  });
});
