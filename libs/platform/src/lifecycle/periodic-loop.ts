import type { Logger } from 'pino';

/**
 * Runs `work` every `intervalMs`, or at once when kicked; never two runs at a time. The loop
 * holds no state: every run reads what is due from its store (the mission's scheduler, the
 * registry's sweeper, the alerts' deliveries, the outbox relays).
 */
export class PeriodicLoop {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done = this.loop();
  }

  /** Runs again as soon as the current run (if any) finishes. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      try {
        await this.work();
      } catch (error) {
        this.logger.error({ err: error, loop: this.name }, 'periodic work failed; retrying');
      }
      if (!this.running) break;
      if (this.kicked) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.intervalMs);
      });
      if (this.timer) clearTimeout(this.timer);
      this.wake = undefined;
    }
  }
}
