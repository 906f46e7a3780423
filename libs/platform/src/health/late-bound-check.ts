import type { DependencyCheck } from './health-check';

/**
 * A readiness check whose real probe exists only once the service's runtime is built (after
 * the platform module got its list of checks): the gateway probes its own connections rather
 * than opening separate ones. Not ready until bound; the runtime hooks bind it by name.
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
