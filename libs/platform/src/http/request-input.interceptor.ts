import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { badRequest, ParamProblem } from './request-params';

const MAX_DEPTH = 32;

/**
 * Runs on every request to every controller (APP_INTERCEPTOR of PlatformModule), after
 * authentication and before the route's own parsing, over the whole request (a route that
 * reads one query parameter would not see the others):
 * - no NUL character in a path parameter, query parameter or JSON body string: PostgreSQL
 *   cannot store one in text (it failed as a 500), and no identifier, name or SN of this API
 *   has a use for it;
 * - a query parameter is given once, as a plain value: `limit=1&limit=2` arrives as an array,
 *   `limit[]=1` or `limit[a]=1` as another name or an object, which one route would coerce
 *   (`Number(['1'])` is 1) and another silently ignore.
 * Everything else is each route's business (its zod schema or @dock/platform's parsers).
 */
@Injectable()
export class RequestInputInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<{
        params?: Record<string, unknown>;
        query?: Record<string, unknown>;
        body?: unknown;
      }>();
      const problems = requestProblems(request);
      if (problems.length > 0) throw badRequest(problems);
    }
    return next.handle();
  }
}

export function requestProblems(request: {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}): ParamProblem[] {
  const problems: ParamProblem[] = [];
  for (const [name, value] of Object.entries(request.params ?? {})) {
    checkText(name, value, problems);
  }
  for (const [key, value] of Object.entries(request.query ?? {})) {
    const bracket = key.indexOf('[');
    const name = bracket > 0 ? key.slice(0, bracket) : key;
    if (bracket > 0 || typeof value !== 'string') {
      problems.push({ field: name, problem: 'must be given once, as a plain value' });
      continue;
    }
    checkText(name, key, problems);
    checkText(name, value, problems);
  }
  if (request.body !== undefined) checkBody('body', request.body, problems, 0);
  return problems;
}

function checkText(name: string, value: unknown, problems: ParamProblem[]): void {
  if (typeof value === 'string' && value.includes('\u0000')) {
    problems.push({ field: name, problem: 'must not contain a NUL character' });
  }
}

function checkBody(path: string, value: unknown, problems: ParamProblem[], depth: number): void {
  if (depth > MAX_DEPTH) {
    problems.push({ field: path, problem: `nested deeper than ${MAX_DEPTH} levels` });
    return;
  }
  if (typeof value === 'string') checkText(path, value, problems);
  else if (Array.isArray(value)) {
    value.forEach((item, index) => checkBody(`${path}[${index}]`, item, problems, depth + 1));
  } else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      checkText(`${path} (a key)`, key, problems);
      checkBody(`${path}.${key}`, item, problems, depth + 1);
    }
  }
}
