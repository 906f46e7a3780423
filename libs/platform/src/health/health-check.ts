/** One dependency an app needs to do its work (a broker, a database, a cache). */
export interface DependencyCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with the reason otherwise. */
  check(): Promise<void>;
}

export interface CheckOutcome {
  name: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: CheckOutcome[];
}

/** Runs every check at once, each bounded by a timeout so one hung dependency cannot hang the probe. */
export async function runChecks(
  checks: readonly DependencyCheck[],
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<ReadinessReport> {
  const outcomes = await Promise.all(
    checks.map(async (dependency): Promise<CheckOutcome> => {
      const started = now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          dependency.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`no answer within ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
        return { name: dependency.name, ok: true, latencyMs: now() - started };
      } catch (error) {
        return {
          name: dependency.name,
          ok: false,
          latencyMs: now() - started,
          error: error instanceof Error ? error.message : String(error),
        };
      } finally {
        if (timer) clearTimeout(timer);
      }
    }),
  );
  return { ready: outcomes.every((o) => o.ok), checks: outcomes };
}
