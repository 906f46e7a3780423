/**
 * Runs the PostgreSQL migrations of the services ahead of them (the Kubernetes migration Job and
 * the docker-compose `db-migrate` service run it):
 *
 *   node deploy/docker/entrypoint.js migrate [mission] [telemetry] [file] [registry] [alerts] [media]   (none: all)
 *
 * It runs exactly what each service runs at start: `createPostgresDataSource` from
 * libs/platform with the service's own migration list, in the service's schema, under the same
 * advisory lock. So a service started next finds nothing left to do, and replicas starting
 * together never race on DDL. Settings are the services' own: DATABASE_URL and DATABASE_SCHEMA
 * (defaults as in each service's config schema; a test keeps them equal). With several
 * services named, <SERVICE>_DATABASE_URL / <SERVICE>_DATABASE_SCHEMA (e.g.
 * MISSION_DATABASE_URL) win over the shared variables, for databases or users per service.
 *
 * Built into dist/tools/migrate.js by scripts/migrate-build.js (webpack, like the apps); the
 * image runs it as `node deploy/docker/entrypoint.js migrate [service...]`.
 */
import pino, { Logger } from 'pino';
import { z } from 'zod';
import { infraEnv } from '../libs/platform/src/config/env-fields';
import { createPostgresDataSource } from '../libs/platform/src/database/create-postgres-data-source';
import { ALERTS_MIGRATIONS } from '../apps/alerts/src/adapters/postgres/alerts-schema';
import { FILE_MIGRATIONS } from '../apps/file/src/adapters/postgres/file-schema';
import { MISSION_MIGRATIONS } from '../apps/mission/src/adapters/postgres/mission-schema';
import { TELEMETRY_MIGRATIONS } from '../apps/telemetry/src/adapters/postgres/telemetry-schema';
import { REGISTRY_MIGRATIONS } from '../apps/registry/src/adapters/postgres/registry-schema';
import { MEDIA_MIGRATIONS } from '../apps/media/src/adapters/postgres/media-schema';

type Migrations = Parameters<typeof createPostgresDataSource>[0]['migrations'];

/** The services that own a schema, with their migrations in order. */
export const MIGRATIONS: Record<string, Migrations> = {
  mission: MISSION_MIGRATIONS,
  telemetry: TELEMETRY_MIGRATIONS,
  file: FILE_MIGRATIONS,
  registry: REGISTRY_MIGRATIONS,
  alerts: ALERTS_MIGRATIONS,
  media: MEDIA_MIGRATIONS,
};

export type MigratedService = keyof typeof MIGRATIONS;

const schemaName = (fallback: string) =>
  z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be lower-case letters, digits and _')
    .default(fallback);

export interface MigrationTarget {
  service: string;
  url: string;
  schema: string;
}

/** Where each named service's migrations go, from the environment; throws naming bad variables. */
export function migrationTargets(
  services: readonly string[],
  env: Record<string, string | undefined>,
): MigrationTarget[] {
  const unknown = services.filter((s) => !(s in MIGRATIONS));
  if (unknown.length) {
    throw new Error(
      `unknown service ${unknown.join(', ')}; services: ${Object.keys(MIGRATIONS).join(', ')}`,
    );
  }
  const chosen = services.length ? [...new Set(services)] : Object.keys(MIGRATIONS);
  return chosen.map((service) => {
    const prefix = service.toUpperCase();
    const pick = (name: string) => env[`${prefix}_${name}`] ?? env[name];
    const fields = z.object({ url: infraEnv.DATABASE_URL, schema: schemaName(service) });
    const parsed = fields.safeParse({
      url: pick('DATABASE_URL'),
      schema: pick('DATABASE_SCHEMA'),
    });
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (i) => `${i.path[0] === 'url' ? 'DATABASE_URL' : 'DATABASE_SCHEMA'}: ${i.message}`,
      );
      throw new Error(`${service}: ${problems.join('; ')}`);
    }
    return { service, ...parsed.data };
  });
}

/** Migrates one schema; resolves with the names of the migrations the schema has applied. */
export async function migrateTarget(target: MigrationTarget, logger: Logger): Promise<string[]> {
  const dataSource = await createPostgresDataSource({
    url: target.url,
    schema: target.schema,
    entities: [],
    migrations: MIGRATIONS[target.service],
    logger: logger.child({ service: target.service, schema: target.schema }),
    applicationName: `${target.service}-migrate`,
    poolSize: 2,
  });
  try {
    const rows: { name: string }[] = await dataSource.query(
      'SELECT name FROM migrations ORDER BY id',
    );
    return rows.map((r) => r.name);
  } finally {
    await dataSource.destroy();
  }
}

/** The command: exit code 0 when every named schema is migrated, 1 on failure, 2 on bad input. */
export async function main(
  argv: readonly string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const logger = pino({ name: 'migrate', level: env.LOG_LEVEL ?? 'info' });
  let targets: MigrationTarget[];
  try {
    targets = migrationTargets(argv, env);
  } catch (error) {
    logger.error((error as Error).message);
    return 2;
  }
  for (const target of targets) {
    try {
      const applied = await migrateTarget(target, logger);
      logger.info({ service: target.service, schema: target.schema, applied }, 'schema migrated');
    } catch (error) {
      logger.error({ err: error, service: target.service }, 'migration failed');
      return 1;
    }
  }
  return 0;
}
