import type { z } from 'zod';

export type DecodedValue<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; /** the parsed JSON, when it was JSON */ json?: unknown };

/**
 * Parses and validates one record value against its contract schema; never throws, because a
 * topic may hold anything. Framework-free, so domain code can decode without a Kafka import.
 */
export function decodeRecordValue<S extends z.ZodTypeAny>(
  value: Buffer | null,
  schema: S,
): DecodedValue<z.infer<S>> {
  if (!value) return { ok: false, error: 'empty record value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return { ok: false, error: 'record value is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, error: `${issue.path.join('.') || '(value)'}: ${issue.message}`, json };
}
