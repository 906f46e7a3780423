import type { HttpException } from '@nestjs/common';
import { z } from 'zod';
import { refusal } from './refusal';

/**
 * The API's parameter rules, defined once for every service: what a page size, an offset or
 * an instant in a query string may be, and the one 400 body that names the parameter at fault.
 * Numbers are plain decimal digits (no `1e30`, `0x10`, ` 1`), bounded so they reach SQL as
 * values PostgreSQL takes; instants stay inside what both JavaScript and PostgreSQL represent.
 */
export interface ParamProblem {
  /** The parameter or body field, e.g. `offset`, `flightId`, `body.name`. */
  field: string;
  problem: string;
}

/** A 400 naming every parameter at fault, so a client fixes its request in one round. */
export function badRequest(problems: ParamProblem[]): HttpException {
  const message = problems.map((p) => `${p.field || '(body)'}: ${p.problem}`).join('; ');
  return refusal(400, 'invalid_request', message, { problems });
}

/** A body or query parsed with its zod schema, or the 400 naming every field at fault. */
export function parseWith<S extends z.ZodTypeAny>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw badRequest(
    parsed.error.issues.map((issue) => ({
      field: issue.path.join('.'),
      problem: issue.message,
    })),
  );
}

/** A UUID in its canonical 8-4-4-4-12 hex form, either case (the ids the services issue). */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The largest OFFSET any list accepts (PostgreSQL takes bigint; nobody pages further). */
export const MAX_OFFSET = 2_147_483_647;
/** 9999-12-31T23:59:59.999Z: a JavaScript Date and a PostgreSQL timestamptz both hold it. */
export const MAX_INSTANT_MS = 253_402_300_799_999;

/** A whole number in min..max written as plain digits; absent or '' -> fallback. */
export function parseInteger(
  name: string,
  value: string | undefined,
  range: { min: number; max: number; fallback: number },
): Parsed<number>;
export function parseInteger(
  name: string,
  value: string | undefined,
  range: { min: number; max: number; fallback?: undefined },
): Parsed<number | undefined>;
export function parseInteger(
  name: string,
  value: string | undefined,
  range: { min: number; max: number; fallback?: number },
): Parsed<number | undefined> {
  if (value === undefined || value === '') return { ok: true, value: range.fallback };
  const number = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!(number >= range.min && number <= range.max)) {
    return { ok: false, error: `${name}: must be a whole number in ${range.min}..${range.max}` };
  }
  return { ok: true, value: number };
}

/** A page size in 1..max; absent -> fallback. */
export function parseLimit(
  value: string | undefined,
  fallback: number,
  max: number,
): Parsed<number> {
  return parseInteger('limit', value, { min: 1, max, fallback });
}

/** A row offset in 0..MAX_OFFSET; absent -> 0. */
export function parseOffset(value: string | undefined): Parsed<number> {
  return parseInteger('offset', value, { min: 0, max: MAX_OFFSET, fallback: 0 });
}

/** An instant as ISO 8601 (`2026-05-21T08:28:03Z`) or ms since the epoch; absent -> null. */
export function parseInstant(name: string, value: string | undefined): Parsed<number | null> {
  if (value === undefined || value === '') return { ok: true, value: null };
  let ms = NaN;
  if (/^\d{1,16}$/.test(value)) ms = Number(value);
  // Date.parse accepts far more than ISO 8601; require the ISO shape so "5" or "May" fail.
  else if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    ms = Date.parse(value);
  }
  if (!(ms >= 0 && ms <= MAX_INSTANT_MS)) {
    return {
      ok: false,
      error: `${name}: must be an ISO 8601 time or milliseconds since the epoch, up to year 9999`,
    };
  }
  return { ok: true, value: ms };
}

/** The value of a parsed parameter, or the 400 naming it. */
export function required<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) {
    const [field] = parsed.error.split(':', 1);
    throw badRequest([{ field, problem: parsed.error.slice(field.length + 1).trim() }]);
  }
  return parsed.value;
}

/** zod fields of the same rules, for query schemas (`z.object({ ...pageQuery(200, 50) })`). */
export function integerQuery(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,16}$/, `must be a whole number in ${min}..${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be a whole number in ${min}..${max}`)
        .max(max, `must be a whole number in ${min}..${max}`),
    );
}

export function pageQuery(maxLimit: number, defaultLimit: number) {
  return {
    limit: integerQuery(1, maxLimit).default(String(defaultLimit)),
    offset: integerQuery(0, MAX_OFFSET).default('0'),
  };
}

/** Milliseconds since the epoch, 0..MAX_INSTANT_MS, as a query parameter. */
export function instantQuery() {
  return integerQuery(0, MAX_INSTANT_MS);
}
