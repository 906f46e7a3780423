import type { Logger } from 'pino';

/**
 * Runs `work` every `intervalMs`, or at once when kicked; never two runs at a time. A run that
 * returns `{ nextRunInMs }` asks for the next run that much later (capped by `intervalMs`), and
 * `wakeIn` brings a waiting run forward: the mission's scheduler sleeps until the next due time
 * rather than polling. The loop holds no state: every run reads what is due from its store (the
 * mission's scheduler, the registry's sweeper, the alerts' deliveries, the outbox relays).
 */
export class PeriodicLoop {
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private kicked = false;
  private done: Promise<void> | undefined;
  /** When the loop's wait ends (epoch ms), while it waits. */
  private wakeTarget: number | undefined;
  /** A wake asked for while a run was going: the next wait is no longer than this. */
  private requestedWake: number | undefined;

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

  /** Runs again in `ms` at the latest (sooner if kicked or already due sooner). */
  wakeIn(ms: number): void {
    const at = Date.now() + Math.max(0, ms);
    if (this.wakeTarget === undefined) {
      this.requestedWake = Math.min(this.requestedWake ?? Infinity, at);
      return;
    }
    if (at >= this.wakeTarget) return;
    if (ms <= 0) {
      this.kick();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.wakeTarget = at;
    const wake = this.wake;
    this.timer = setTimeout(() => wake?.(), ms);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      this.requestedWake = undefined;
      let delay = this.intervalMs;
      try {
        const asked = nextRunInMs(await this.work());
        if (asked !== undefined) delay = Math.min(delay, Math.max(0, asked));
      } catch (error) {
        this.logger.error({ err: error, loop: this.name }, 'periodic work failed; retrying');
      }
      if (!this.running) break;
      if (this.requestedWake !== undefined) {
        delay = Math.min(delay, Math.max(0, this.requestedWake - Date.now()));
      }
      if (this.kicked || delay === 0) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.wakeTarget = Date.now() + delay;
        this.timer = setTimeout(resolve, delay);
      });
      if (this.timer) clearTimeout(this.timer);
      this.wake = undefined;
      this.wakeTarget = undefined;
    }
  }
}

/** The delay a run asked for, if it returned `{ nextRunInMs: number }`. */
function nextRunInMs(result: unknown): number | undefined {
  if (typeof result !== 'object' || result === null || !('nextRunInMs' in result)) return undefined;
  const ms = (result as { nextRunInMs: unknown }).nextRunInMs;
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : undefined;
}
