import type { DependencyCheck } from '../health/health-check';
import { InFlightWork } from './in-flight';

export type LifecyclePhase = 'running' | 'draining' | 'stopped';

/**
 * What the orchestrator sees of a service's life: once draining starts, readiness answers 503
 * so no new traffic is routed here while in-flight work finishes.
 */
export class ServiceLifecycle {
  readonly work = new InFlightWork();
  private current: LifecyclePhase = 'running';
  private brokenReasons: string[] = [];
  private extraChecks: DependencyCheck[] = [];

  get phase(): LifecyclePhase {
    return this.current;
  }

  /**
   * Why the process can no longer do its work and only a restart would help (e.g. a Kafka
   * consumer that gave up); empty while it is sound. Liveness answers 503 with these.
   */
  get broken(): readonly string[] {
    return this.brokenReasons;
  }

  /** For KafkaBus's `onConsumerGaveUp`: a consumer group that stopped for good breaks the service. */
  readonly consumerGaveUp = (groupId: string, error: Error): void => {
    this.markBroken(`Kafka consumer group ${groupId} stopped for good: ${error.message}`);
  };

  /**
   * Readiness checks that only exist once the service runs (e.g. its consumers' progress);
   * readiness runs them with the dependency checks it was configured with.
   */
  get readinessChecks(): readonly DependencyCheck[] {
    return this.extraChecks;
  }

  addReadinessCheck(check: DependencyCheck): void {
    if (!this.extraChecks.some((known) => known.name === check.name)) {
      this.extraChecks = [...this.extraChecks, check];
    }
  }

  markBroken(reason: string): void {
    if (!this.brokenReasons.includes(reason)) this.brokenReasons = [...this.brokenReasons, reason];
  }

  async drain(timeoutMs: number): Promise<boolean> {
    this.current = 'draining';
    return this.work.drain(timeoutMs);
  }

  markStopped(): void {
    this.current = 'stopped';
  }
}
