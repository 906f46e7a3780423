import type { z } from 'zod';
import { badRequest } from '@dock/platform';

export { badRequest } from '@dock/platform';

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
