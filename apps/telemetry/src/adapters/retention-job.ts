import type { Logger } from 'pino';
import { retentionCutoff } from '../domain/retention';
import type { RetentionStore } from '../domain/telemetry-writer';
import type { TelemetryMetrics } from '../telemetry-metrics';

export interface RetentionSettings {
  retentionDays: number;
  intervalMs: number;
  batchRows: number;
  /** Delay before the first pass, so a starting replica serves traffic first. */
  initialDelayMs?: number;
  now?: () => number;
}

/**
 * Runs a retention pass every `intervalMs`, never two at once. Passes are cheap when there is
 * nothing to delete (index range scans on received_at), and a failure is logged and retried
 * at the next interval: it never affects intake.
 */
export class RetentionJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: RetentionStore,
    private readonly settings: RetentionSettings,
    private readonly metrics: TelemetryMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule(this.settings.initialDelayMs ?? Math.min(this.settings.intervalMs, 30_000));
  }

  /** One pass now (also what the timer calls). */
  async runOnce(): Promise<void> {
    const cutoff = retentionCutoff((this.settings.now ?? Date.now)(), this.settings.retentionDays);
    try {
      const report = await this.store.purge(cutoff, this.settings.batchRows);
      this.metrics.retentionRuns.inc({ outcome: report.ran ? 'ran' : 'skipped' });
      for (const [table, count] of Object.entries(report.deleted)) {
        if (count > 0) this.metrics.retentionDeleted.inc({ table }, count);
      }
      const total = Object.values(report.deleted).reduce((a, b) => a + b, 0);
      if (total > 0)
        this.logger.info({ cutoff, deleted: report.deleted }, 'retention removed old telemetry');
    } catch (error) {
      this.metrics.retentionRuns.inc({ outcome: 'failed' });
      this.logger.error(
        { err: error, cutoff },
        'retention pass failed; retrying at the next interval',
      );
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule(this.settings.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }
}
