/**
 * Counts work in progress so shutdown can wait for it: a SIGTERM stops intake first, then
 * drains what is already running, then closes connections.
 */
export class InFlightWork {
  private running = 0;
  private accepting = true;
  private waiters: (() => void)[] = [];

  get count(): number {
    return this.running;
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Runs `work` as tracked work. Refuses new work once draining has begun. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    if (!this.accepting) throw new Error('shutting down: no new work accepted');
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      if (this.running === 0) this.release();
    }
  }

  /** Stops intake and resolves true when all work finished, false when the timeout came first. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.accepting = false;
    if (this.running === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.waiters.push(() => resolve(true)));
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([drained, timedOut]);
    if (timer) clearTimeout(timer);
    return result;
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
