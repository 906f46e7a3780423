import type { DependencyCheck } from '@dock/platform';

/**
 * A readiness check whose real probe exists only once the gateway's connections are built
 * (after the platform module got its list of checks). Not ready until bound.
 */
export class LateBoundCheck implements DependencyCheck {
  private target: DependencyCheck | undefined;

  constructor(readonly name: string) {}

  bind(target: DependencyCheck): void {
    this.target = target;
  }

  async check(): Promise<void> {
    if (!this.target) throw new Error('not started yet');
    await this.target.check();
  }
}

/** Binds each late-bound check of `checks` to the probe of the same name. */
export function bindChecks(
  checks: readonly DependencyCheck[],
  probes: readonly DependencyCheck[],
): void {
  for (const check of checks) {
    if (!(check instanceof LateBoundCheck)) continue;
    const probe = probes.find((candidate) => candidate.name === check.name);
    if (probe) check.bind(probe);
  }
}
