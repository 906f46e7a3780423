import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import {
  ConflictError,
  DependencyError,
  InvalidInputError,
  NotFoundError,
} from '../application/errors';

type ApplicationError = NotFoundError | ConflictError | InvalidInputError | DependencyError;

/** Application refusals as HTTP answers: status, a machine-readable code and the reason. */
@Catch(NotFoundError, ConflictError, InvalidInputError, DependencyError)
export class MissionErrorsFilter implements ExceptionFilter {
  catch(error: ApplicationError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (error instanceof InvalidInputError) {
      response.status(400).json({
        statusCode: 400,
        code: 'invalid_request',
        message: error.message,
        problems: [{ field: error.field, problem: error.problem }],
      });
      return;
    }
    const [status, code] =
      error instanceof NotFoundError
        ? [404, 'not_found']
        : error instanceof ConflictError
          ? [409, 'conflict']
          : [503, 'dependency_unavailable'];
    response.status(status).json({ statusCode: status, code, message: error.message });
  }
}
