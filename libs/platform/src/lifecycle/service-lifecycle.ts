import { InFlightWork } from './in-flight';

export type LifecyclePhase = 'running' | 'draining' | 'stopped';

/**
 * What the orchestrator sees of a service's life: once draining starts, readiness answers 503
 * so no new traffic is routed here while in-flight work finishes.
 */
export class ServiceLifecycle {
  readonly work = new InFlightWork();
  private current: LifecyclePhase = 'running';

  get phase(): LifecyclePhase {
    return this.current;
  }

  async drain(timeoutMs: number): Promise<boolean> {
    this.current = 'draining';
    return this.work.drain(timeoutMs);
  }

  markStopped(): void {
    this.current = 'stopped';
  }
}
