import { DataSource, DataSourceOptions } from 'typeorm';
import type { Logger } from 'pino';
import { TypeOrmPinoLogger } from './typeorm-pino-logger';

type PostgresOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

export interface PostgresDataSourceSettings {
  /** postgres://user[:password]@host:port/database */
  url: string;
  /** The service's own schema; created when missing. Lower-case letters, digits and _. */
  schema: string;
  entities: NonNullable<PostgresOptions['entities']>;
  migrations: NonNullable<PostgresOptions['migrations']>;
  logger: Logger;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity, e.g. the service name. */
  applicationName?: string;
  /** Queries slower than this are logged at warn (default 1000 ms). */
  slowQueryMs?: number;
  /**
   * run (default): migrate at start. skip: a migration Job ran them; only check that none is
   * missing, and fail naming them (the DATABASE_MIGRATIONS setting, see env-fields).
   */
  migrationsOnStart?: 'run' | 'skip';
}

/** DATABASE_MIGRATIONS=skip, and the schema lacks migrations this build of the service needs. */
export class MissingMigrationsError extends Error {
  constructor(
    readonly schema: string,
    readonly missing: readonly string[],
  ) {
    super(
      `DATABASE_MIGRATIONS=skip, but schema "${schema}" lacks ${missing.length} migration(s) ` +
        `this version needs: ${missing.join(', ')}. Run the migration Job first ` +
        '(migrate <service>: deploy/base/jobs.yaml), or set DATABASE_MIGRATIONS=run.',
    );
    this.name = 'MissingMigrationsError';
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A TypeORM DataSource for one service's PostgreSQL schema, ready to use: the schema exists,
 * every migration has run (tracked in `<schema>.migrations`; run here, or checked when
 * `migrationsOnStart` is skip), and `synchronize` is off so the database changes only through
 * migrations.
 *
 * Every connection's search_path is the service's schema, so migrations write plain table
 * names and the same migration runs in any schema (tests use a fresh one per run). Replicas
 * that start together take turns through an advisory lock instead of racing on the DDL.
 */
export async function createPostgresDataSource(
  settings: PostgresDataSourceSettings,
): Promise<DataSource> {
  if (!SCHEMA_NAME.test(settings.schema)) {
    throw new Error(
      `invalid schema name "${settings.schema}": use lower-case letters, digits and _`,
    );
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url: settings.url,
    schema: settings.schema,
    entities: settings.entities,
    migrations: settings.migrations,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    applicationName: settings.applicationName,
    poolSize: settings.poolSize ?? 10,
    maxQueryExecutionTime: settings.slowQueryMs ?? 1_000,
    logger: new TypeOrmPinoLogger(settings.logger),
    logging: ['error', 'warn', 'migration', 'schema'],
    extra: { options: `-c search_path=${settings.schema}` },
  });
  await dataSource.initialize();
  try {
    if (settings.migrationsOnStart === 'skip') {
      await checkMigrated(dataSource, settings.schema);
    } else {
      await migrate(dataSource, settings.schema);
    }
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
}

async function migrate(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  // One lock per schema: replicas of the same service wait, other services do not.
  const lockKey = `migrations:${schema}`;
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * The schema has applied every migration of this build (by name, as TypeORM records them).
 * Read-only: no lock and no DDL, so a role without CREATE rights passes. Applied migrations this
 * build does not know (a newer release ran first) are left to that release.
 */
async function checkMigrated(dataSource: DataSource, schema: string): Promise<void> {
  const [{ table }]: { table: string | null }[] = await dataSource.query(
    'SELECT to_regclass($1)::text AS "table"',
    [`"${schema}".migrations`],
  );
  const applied = new Set<string>();
  if (table) {
    const rows: { name: string }[] = await dataSource.query(
      `SELECT name FROM "${schema}".migrations`,
    );
    for (const row of rows) applied.add(row.name);
  }
  const missing = dataSource.migrations
    .map((migration) => migration.name ?? migration.constructor.name)
    .filter((name) => !applied.has(name));
  if (missing.length > 0) throw new MissingMigrationsError(schema, missing);
}
