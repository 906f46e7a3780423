import type { z } from 'zod';
import { badRequest, integerQuery } from '@dock/platform';

export { badRequest } from '@dock/platform';

/** A page size of 1..500, 100 by default, under the platform's parameter rules (plain digits). */
export function pageLimit() {
  return integerQuery(1, 500).default('100');
}

/** Parses a body or query with a zod schema; 400 with the fields at fault otherwise. */
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
