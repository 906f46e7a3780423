import type { Counter } from 'prom-client';

/**
 * Per-message increments of a one-label counter, added up in a Map and handed to prom-client
 * in one `inc` per label value when Prometheus scrapes (the counter's `collect`). prom-client
 * hashes the label set on every `inc`: per uplink message that was measurable CPU
 * (docs/performance.md), per scrape it is nothing. A scrape always sees every count so far.
 */
export class DeferredCounts<L extends string> {
  private readonly pending = new Map<string, number>();

  constructor(private readonly label: L) {}

  add(value: string): void {
    this.pending.set(value, (this.pending.get(value) ?? 0) + 1);
  }

  /** Moves what was counted into the counter (call from its `collect`). */
  flushInto(counter: Counter<L>): void {
    for (const [value, count] of this.pending) {
      counter.inc({ [this.label]: value } as Record<L, string>, count);
    }
    this.pending.clear();
  }
}
