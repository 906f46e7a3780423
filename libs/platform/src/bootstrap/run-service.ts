import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { z } from 'zod';
import { ConfigError, loadConfig } from '../config/load-config';
import { createLogger, Logger } from '../logging/create-logger';
import type { DependencyCheck } from '../health/health-check';
import { RunningService, startService } from './start-service';

/** The settings every service schema carries (see commonEnv and HTTP_PORT). */
export interface BaseServiceConfig {
  HTTP_PORT: number;
  LOG_LEVEL: string;
  SHUTDOWN_TIMEOUT_MS: number;
  SERVICE_NAME?: string;
  METRICS_PORT?: number;
}

export interface ServiceDefinition<S extends z.ZodType<BaseServiceConfig, z.ZodTypeDef, unknown>> {
  service: string;
  schema: S;
  checks(config: z.infer<S>): DependencyCheck[];
  module(config: z.infer<S>, logger: Logger, checks: DependencyCheck[]): DynamicModule;
  /** Optional: runs after the app is created and before it listens (e.g. setupOpenApi). */
  configure?(app: INestApplication, config: z.infer<S>): void | Promise<void>;
}

/**
 * The entry point of every app: validate the environment (exit 78, EX_CONFIG, naming each bad
 * variable), build the logger, start HTTP, and drain on SIGTERM.
 */
export async function runService<S extends z.ZodType<BaseServiceConfig, z.ZodTypeDef, unknown>>(
  definition: ServiceDefinition<S>,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningService> {
  let config: z.infer<S>;
  try {
    config = loadConfig(definition.schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.service}: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const service = config.SERVICE_NAME ?? definition.service;
  const logger = createLogger({ service, level: config.LOG_LEVEL });
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
  const checks = definition.checks(config);
  try {
    return await startService({
      module: definition.module(config, logger, checks),
      logger,
      httpPort: config.HTTP_PORT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      metricsPort: config.METRICS_PORT,
      handleSignals: true,
      configure: definition.configure ? (app) => definition.configure?.(app, config) : undefined,
    });
  } catch (error) {
    // startService has closed what it opened. Exit non-zero so the orchestrator sees a crash
    // (and backs off) instead of a clean exit; a missing migration or topic lands here.
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}
