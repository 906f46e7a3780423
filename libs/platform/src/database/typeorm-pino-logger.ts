import type { Logger as TypeOrmLogger, QueryRunner } from 'typeorm';
import type { Logger } from 'pino';
import { serializeError } from '../logging/create-logger';

/**
 * TypeORM's log calls as pino lines. Queries are logged at trace (they would flood debug);
 * failed and slow queries at error and warn; migrations at info.
 */
export class TypeOrmPinoLogger implements TypeOrmLogger {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger.child({ component: 'typeorm' });
  }

  logQuery(query: string, parameters?: unknown[], _runner?: QueryRunner): void {
    this.logger.trace({ query, parameterCount: parameters?.length ?? 0 }, 'query');
  }

  logQueryError(error: string | Error, query: string, parameters?: unknown[]): void {
    // Parameters stay out of the line, here and inside the error (serializeError): they may
    // hold secrets (a signed download link was one) or personal data.
    this.logger.error(
      { err: serializeError(error, parameters), query, parameterCount: parameters?.length ?? 0 },
      'query failed',
    );
  }

  logQuerySlow(time: number, query: string, _parameters?: unknown[]): void {
    this.logger.warn({ durationMs: time, query }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    this.logger[level === 'log' ? 'info' : level]({ detail: message }, 'typeorm');
  }
}
