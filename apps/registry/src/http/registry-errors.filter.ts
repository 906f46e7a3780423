import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';
import type { z } from 'zod';
import { refusal } from '@dock/platform';
import { ConflictError, NotFoundError } from '../application/errors';

/** Refusals of the application as HTTP answers: 404 / 409 with a code and a message. */
@Catch(NotFoundError, ConflictError)
export class RegistryErrorsFilter implements ExceptionFilter {
  catch(error: NotFoundError | ConflictError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const status = error instanceof NotFoundError ? 404 : 409;
    response.status(status).json({ statusCode: status, code: error.code, message: error.message });
  }
}

/** A 400 naming the parameter, with the same body shape as every error. */
export function badRequest(message: string, problems?: unknown[]): HttpException {
  return refusal(400, 'invalid_request', message, problems ? { problems } : undefined);
}

/** Parses a body with its schema, or a 400 naming each invalid field. */
export function parseBody<S extends z.ZodTypeAny>(
  schema: S,
  body: unknown,
  shape: string,
): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data as z.infer<S>;
  const problems = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  throw badRequest(
    `invalid body: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')} (expected ${shape})`,
    problems,
  );
}
