import { z } from 'zod';

/** Thrown at start when the environment does not satisfy an app's schema. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly { variable: string; problem: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  - ${p.variable}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment against one schema per app. Every problem is reported at once,
 * each under the variable's name, so an operator fixes a deployment in one round.
 */
export function loadConfig<S extends z.ZodTypeAny>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.join('.') || '(environment)',
      problem: issue.message,
    })),
  );
}
