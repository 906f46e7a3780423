import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { badRequest, ParamProblem } from './request-params';

const MAX_DEPTH = 32;
/** In a `u` regex a surrogate pair is one code point: \p{Cs} matches only a lone half. */
const LONE_SURROGATE = /\p{Cs}/u;
// Metadata keys of @nestjs/swagger (API_PARAMETERS) and @nestjs/common
// (ROUTE_ARGS, RouteParamtypes.QUERY): their packages do not export the constants.
const API_PARAMETERS = 'swagger/apiParameters';
const ROUTE_ARGS = '__routeArguments__';
const QUERY_ARG = 4;

/**
 * Runs on every request to every controller (APP_INTERCEPTOR of PlatformModule), after
 * authentication and before the route's own parsing, over the whole request (a route that
 * reads one query parameter would not see the others):
 * - no NUL character in a path parameter, query parameter or JSON body string: PostgreSQL
 *   cannot store one in text (it failed as a 500), and no identifier, name or SN of this API
 *   has a use for it;
 * - no lone UTF-16 surrogate (`"\ud800"` in JSON) in the same places: it is not text in any
 *   encoding, PostgreSQL refuses it (a 500 at the insert) and it could not be sent on as UTF-8;
 * - a query parameter is given once, as a plain value: `limit=1&limit=2` arrives as an array,
 *   `limit[]=1` or `limit[a]=1` as another name or an object, which one route would coerce
 *   (`Number(['1'])` is 1) and another silently ignore;
 * - a query parameter is one the route takes (documents with @ApiQuery or reads with
 *   @Query('name')): `offset=-5` on a route without paging is refused, not silently ignored.
 *   A route that reads the whole query undocumented is left to its own schema.
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
      const known = queryParametersOf(context);
      if (known) {
        for (const key of Object.keys(request.query ?? {})) {
          const name = key.includes('[') ? key.slice(0, key.indexOf('[')) : key;
          if (!known.has(name) && !problems.some((p) => p.field === name)) {
            problems.push({ field: name, problem: 'is not a parameter of this route' });
          }
        }
      }
      if (problems.length > 0) throw badRequest(problems);
    }
    return next.handle();
  }
}

/** The query parameters a route takes; undefined when it reads the whole query undocumented. */
function queryParametersOf(context: ExecutionContext): Set<string> | undefined {
  const handler = context.getHandler();
  const controller = context.getClass();
  const documented = [
    ...((Reflect.getMetadata(API_PARAMETERS, controller) as ParamDoc[] | undefined) ?? []),
    ...((Reflect.getMetadata(API_PARAMETERS, handler) as ParamDoc[] | undefined) ?? []),
  ]
    .filter((param) => param.in === 'query' && typeof param.name === 'string')
    .map((param) => param.name as string);
  const args = Object.entries(
    (Reflect.getMetadata(ROUTE_ARGS, controller, handler.name) as
      Record<string, { data?: unknown }> | undefined) ?? {},
  ).filter(([key]) => key.startsWith(`${QUERY_ARG}:`));
  const read = args.map(([, arg]) => arg.data);
  if (read.some((data) => data === undefined) && documented.length === 0) return undefined;
  return new Set([
    ...documented,
    ...read.filter((data): data is string => typeof data === 'string'),
  ]);
}

interface ParamDoc {
  in?: string;
  name?: unknown;
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
  if (typeof value !== 'string') return;
  if (value.includes('\u0000')) {
    problems.push({ field: name, problem: 'must not contain a NUL character' });
  }
  if (LONE_SURROGATE.test(value)) {
    problems.push({
      field: name,
      problem: 'must be valid Unicode text (a lone UTF-16 surrogate such as \\ud800 is not)',
    });
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
