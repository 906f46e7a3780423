import { createServer } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { z } from 'zod';
import {
  BaseServiceConfig,
  createLogger,
  DependencyCheck,
  Logger,
  RunningService,
  ServiceDefinition,
  startService,
} from '@dock/platform';
import { infraSettings, uniqueName } from './infra-settings';

/**
 * The set-up the services' integration harnesses share: a free port, the service started as
 * production starts it (its definition's checks and configure hook, on loopback), a Kafka
 * client and a PostgreSQL connection of the test's own, and the clean-up of the test's schema
 * and topics.
 */

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

type ConfigSchema = z.ZodType<BaseServiceConfig, z.ZodTypeDef, unknown>;

export interface ServiceUnderTestOptions<S extends ConfigSchema> {
  readonly definition: ServiceDefinition<S>;
  readonly config: z.infer<S>;
  readonly port: number;
  /** The app's module with the test's options (topics of its own, ...). */
  readonly module: (logger: Logger, checks: DependencyCheck[]) => DynamicModule;
  readonly shutdownTimeoutMs?: number;
}

/** Starts a service as its main.ts does (same module, checks and OpenAPI set-up), on 127.0.0.1. */
export function startServiceUnderTest<S extends ConfigSchema>(
  options: ServiceUnderTestOptions<S>,
): Promise<RunningService> {
  const { definition, config } = options;
  const logger = createLogger({ service: definition.service, level: config.LOG_LEVEL });
  return startService({
    module: options.module(logger, definition.checks(config)),
    logger,
    httpPort: options.port,
    httpHost: '127.0.0.1',
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
    configure: (app) => definition.configure?.(app, config),
  });
}

/**
 * The environment every service under test starts with: its port, quiet logs (TEST_LOG_LEVEL
 * to see them), the shared PostgreSQL in the test's own schema, and the shared Kafka.
 */
export function serviceTestEnv(port: number, schema: string): Record<string, string> {
  return {
    HTTP_PORT: String(port),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: infraSettings.databaseUrl,
    DATABASE_SCHEMA: schema,
    KAFKA_BROKERS: infraSettings.kafkaBrokers.join(','),
  };
}

/** A kafkajs client of the test's own, on the shared broker, quiet. */
export function testKafka(prefix: string): Kafka {
  return new Kafka({
    clientId: uniqueName(prefix),
    brokers: infraSettings.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
}

/** A connection to the shared PostgreSQL (to read and set up what the service stores). */
export async function testDb(): Promise<Client> {
  const db = new Client({ connectionString: infraSettings.databaseUrl });
  await db.connect();
  return db;
}

/** Drops the test's schema, closes the connection, and deletes the test's topics. */
export async function dropTestResources(
  db: Client,
  kafka: Kafka,
  schema: string,
  topics: readonly string[],
): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await db.end();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [...topics] }).catch(() => undefined);
  await admin.disconnect();
}
