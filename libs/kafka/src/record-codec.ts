import type { IHeaders, Message } from 'kafkajs';
import type { z } from 'zod';
import { decodeRecordValue, HEADERS, SCHEMA_VERSION } from '@dock/contracts';

export interface RecordHeaders {
  tid?: string | null;
  bid?: string | null;
  method?: string | null;
  family?: string | null;
}

/** JSON value, key and the contract's headers (only the ones that have a value). */
export function encodeRecord(key: string, value: unknown, headers: RecordHeaders = {}): Message {
  const encoded: IHeaders = {
    [HEADERS.schemaVersion]: String(SCHEMA_VERSION),
    [HEADERS.contentType]: 'application/json',
  };
  for (const [name, headerValue] of Object.entries(headers)) {
    if (headerValue !== null && headerValue !== undefined) encoded[name] = headerValue;
  }
  return { key, value: Buffer.from(JSON.stringify(value)), headers: encoded };
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses and validates a consumed value; never throws (a topic may hold anything). */
export function decodeRecord<S extends z.ZodTypeAny>(
  value: Buffer | null,
  schema: S,
): Decoded<z.infer<S>> {
  const decoded = decodeRecordValue(value, schema);
  return decoded.ok ? decoded : { ok: false, error: decoded.error };
}

/** Reads a header as a string (kafkajs gives Buffers). */
export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
