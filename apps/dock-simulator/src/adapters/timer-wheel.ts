/**
 * One timer for the whole fleet. A thousand docks with an osd and a progress timer each would be
 * two thousand setIntervals; instead every callback sits in a slot of a hashed wheel that a
 * single interval turns every `tickMs`. Resolution is one tick, which is all a dock needs.
 */

export interface TimerHandle {
  cancel(): void;
}

interface Entry {
  dueTick: number;
  readonly run: () => void;
  cancelled: boolean;
}

export interface TimerWheelOptions {
  /** Resolution; default 10 ms. */
  readonly tickMs?: number;
  /** Number of slots; default 2048 (20 s per turn at 10 ms: most timers fire in their first turn). */
  readonly slots?: number;
  readonly now?: () => number;
  /** Drives the wheel; default a real (unref'd) setInterval. Tests turn it by hand with runDue. */
  readonly autoStart?: boolean;
}

export class TimerWheel {
  private readonly tickMs: number;
  private readonly wheel: Set<Entry>[];
  private readonly now: () => number;
  private readonly origin: number;
  private currentTick = 0;
  private interval: NodeJS.Timeout | null = null;
  private size = 0;

  constructor(options: TimerWheelOptions = {}) {
    this.tickMs = options.tickMs ?? 10;
    this.wheel = Array.from({ length: options.slots ?? 2048 }, () => new Set<Entry>());
    this.now = options.now ?? Date.now;
    this.origin = this.now();
    if (options.autoStart !== false) {
      this.interval = setInterval(() => this.runDue(this.now()), this.tickMs);
      // The MQTT sockets keep the process alive, not the clock.
      this.interval.unref();
    }
  }

  /** Runs `run` once, `delayMs` from now. */
  schedule(delayMs: number, run: () => void): TimerHandle {
    const ticks = Math.max(1, Math.ceil(delayMs / this.tickMs));
    const entry: Entry = { dueTick: this.tickAt(this.now()) + ticks, run, cancelled: false };
    this.insert(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /**
   * Runs `run` every `intervalMs`, first after `firstDelayMs` (spread docks with it). Each period
   * counts from the run before it, so after a stalled event loop missed periods are skipped
   * rather than fired in a burst that would overload the host further.
   */
  every(intervalMs: number, run: () => void, firstDelayMs = intervalMs): TimerHandle {
    let current: TimerHandle | null = null;
    let cancelled = false;
    const fire = (): void => {
      if (cancelled) return;
      current = this.schedule(intervalMs, fire);
      run();
    };
    current = this.schedule(firstDelayMs, fire);
    return {
      cancel: () => {
        cancelled = true;
        current?.cancel();
      },
    };
  }

  /** Fires everything due up to `now` (the interval calls it; catches up after a busy loop). */
  runDue(now: number): void {
    const target = this.tickAt(now);
    while (this.currentTick < target) {
      this.currentTick += 1;
      const slot = this.wheel[this.currentTick % this.wheel.length] as Set<Entry>;
      for (const entry of slot) {
        if (entry.cancelled) {
          slot.delete(entry);
          this.size -= 1;
        } else if (entry.dueTick <= this.currentTick) {
          slot.delete(entry);
          this.size -= 1;
          try {
            entry.run();
          } catch (error) {
            // One dock's bug must not stop the clock of the whole fleet.
            process.emitWarning(`dock simulator timer failed: ${String(error)}`);
          }
        }
      }
    }
  }

  get pending(): number {
    return this.size;
  }

  stop(): void {
    if (this.interval !== null) clearInterval(this.interval);
    this.interval = null;
    for (const slot of this.wheel) slot.clear();
    this.size = 0;
  }

  private tickAt(time: number): number {
    return Math.floor((time - this.origin) / this.tickMs);
  }

  private insert(entry: Entry): void {
    // An entry scheduled while its slot is being walked (due now) goes one turn later at worst.
    const slot = this.wheel[entry.dueTick % this.wheel.length] as Set<Entry>;
    slot.add(entry);
    this.size += 1;
  }
}
