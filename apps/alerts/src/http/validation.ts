import { HttpException } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  problem: string;
}

/** A 400 naming every field at fault, so a client fixes its request in one round. */
export function badRequest(problems: FieldProblem[]): HttpException {
  const message = problems.map((p) => `${p.field || '(body)'}: ${p.problem}`).join('; ');
  return new HttpException({ statusCode: 400, code: 'invalid_request', message, problems }, 400);
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
