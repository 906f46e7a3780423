/**
 * The telemetry API's own query parameter (its keyset cursor), kept free of HTTP so it is
 * tested directly. Limits and instants follow every service's rules (@dock/platform's
 * request-params). Each function returns a value or an error message naming the parameter.
 */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

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
