import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import {
  createPostgresDataSource,
  PostgresDataSourceSettings,
} from './create-postgres-data-source';

/** The database settings every service schema carries (infraEnv, databaseMigrations). */
export interface ServiceDatabaseConfig {
  DATABASE_URL: string;
  DATABASE_SCHEMA: string;
  DATABASE_MIGRATIONS?: 'run' | 'skip';
  SERVICE_NAME?: string;
}

export interface ServiceDataSourceSettings extends Pick<
  PostgresDataSourceSettings,
  'migrations' | 'logger' | 'poolSize'
> {
  /** The service: pg_stat_activity's application name unless SERVICE_NAME says otherwise. */
  service: string;
  config: ServiceDatabaseConfig;
  entities?: PostgresDataSourceSettings['entities'];
}

/**
 * `token` as the service's DataSource: its own schema, migrated at start (or checked, with
 * DATABASE_MIGRATIONS=skip). Providers that inject it wait for the migrations.
 */
export function postgresDataSourceProvider(
  token: InjectionToken,
  settings: ServiceDataSourceSettings,
): FactoryProvider<Promise<DataSource>> {
  const { config } = settings;
  return {
    provide: token,
    useFactory: () =>
      createPostgresDataSource({
        url: config.DATABASE_URL,
        schema: config.DATABASE_SCHEMA,
        entities: settings.entities ?? [],
        migrations: settings.migrations,
        logger: settings.logger,
        poolSize: settings.poolSize,
        applicationName: config.SERVICE_NAME ?? settings.service,
        migrationsOnStart: config.DATABASE_MIGRATIONS,
      }),
  };
}

/** Closes the pool at the service's stop (last: everything else has let go of it). */
export async function closeDataSource(dataSource: DataSource, logger: Logger): Promise<void> {
  if (!dataSource.isInitialized) return;
  await dataSource.destroy().catch((error: unknown) => {
    logger.warn({ err: error }, 'database pool did not close cleanly');
  });
}
