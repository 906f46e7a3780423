/**
 * Parsing of the API's query parameters, kept free of HTTP so it is tested directly. Each
 * function returns a value or an error message naming the parameter.
 */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** An instant as ISO 8601 (`2026-05-21T08:28:03Z`) or ms since the epoch; absent -> null. */
export function parseInstant(name: string, value: string | undefined): Parsed<number | null> {
  if (value === undefined || value === '') return { ok: true, value: null };
  if (/^\d{1,16}$/.test(value)) return { ok: true, value: Number(value) };
  // Date.parse accepts far more than ISO 8601; require the ISO shape so "5" or "May" fail.
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return { ok: true, value: ms };
  }
  return { ok: false, error: `${name}: must be an ISO 8601 time or milliseconds since the epoch` };
}

/** A page size in 1..max; absent -> fallback. */
export function parseLimit(
  value: string | undefined,
  fallback: number,
  max: number,
): Parsed<number> {
  if (value === undefined || value === '') return { ok: true, value: fallback };
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    return { ok: false, error: `limit: must be a whole number in 1..${max}` };
  }
  return { ok: true, value: Number(value) };
}

/**
 * Keyset cursor of a time-ordered list: the (time, id) of the last row shown, opaque to
 * clients. Paging by key instead of OFFSET stays fast deep into a long timeline and does not
 * skip or repeat rows when new ones arrive meanwhile.
 */
export interface TimeCursor {
  readonly at: number;
  readonly id: string;
}

export function encodeTimeCursor(cursor: TimeCursor): string {
  return Buffer.from(`${cursor.at}:${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeTimeCursor(value: string | undefined): Parsed<TimeCursor | null> {
  if (value === undefined || value === '') return { ok: true, value: null };
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):(\d{1,19})$/.exec(text);
  if (!match) return { ok: false, error: 'after: not a cursor this API returned' };
  return { ok: true, value: { at: Number(match[1]), id: match[2] } };
}
