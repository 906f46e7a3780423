import { AddOutcome, ClaimOutcome, ExpiredEntry, PendingAdd, PendingStore } from './pending-store';

interface Slot<T> {
  readonly entry: T;
  /** The deadline; while claimed, the claim's lease expiry (as the Redis store's sorted set). */
  score: number;
  /** `{instance}|{boot}` of the claimant, if any. */
  holder: string | undefined;
}

/**
 * What several MemoryPendingStore instances share, standing in for one Redis: tests of the
 * store contract run several "replicas" over one state. The embedded mode has one replica.
 */
export class MemoryPendingState<T> {
  readonly entries = new Map<string, Slot<T>>();
  readonly dedupe = new Map<string, { id: string; expiresAt: number }>();
}

export interface MemoryPendingStoreSettings<T> {
  readonly leaseMs?: number;
  /** How long a dedupe key (correlation id) is remembered (default 24 h). */
  readonly dedupeTtlMs?: number;
  readonly instanceId?: string;
  readonly bootId?: string;
  readonly state?: MemoryPendingState<T>;
  /** The clock of dedupe expiry (entries use the `now` the caller passes). */
  readonly now?: () => number;
}

/**
 * PendingStore in memory with the Redis store's semantics (claims as leases held by
 * `{instance}|{boot}`, an instance's later life taking over its own claims, dedupe keys with a
 * time to live): for unit tests and the embedded mode's single gateway. Not shared between
 * processes, and gone at a restart: a command in flight then ends as a timeout on neither
 * side; the mission service's own command timeout covers it (see apps/standalone/README.md).
 * Both stores pass the same contract suite (apps/gateway/test/pending-store-contract.ts).
 */
export class MemoryPendingStore<T> implements PendingStore<T> {
  private readonly state: MemoryPendingState<T>;
  private readonly leaseMs: number;
  private readonly dedupeTtlMs: number;
  private readonly holder: string;
  private readonly instancePrefix: string;
  private readonly now: () => number;

  constructor(settings: number | MemoryPendingStoreSettings<T> = {}) {
    const options = typeof settings === 'number' ? { leaseMs: settings } : settings;
    this.state = options.state ?? new MemoryPendingState<T>();
    this.leaseMs = options.leaseMs ?? 30_000;
    this.dedupeTtlMs = options.dedupeTtlMs ?? 24 * 60 * 60 * 1000;
    this.instancePrefix = `${options.instanceId ?? 'memory'}|`;
    this.holder = `${this.instancePrefix}${options.bootId ?? 'boot'}`;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.state.entries.size;
  }

  async add(id: string, entry: T, deadline: number, dedupeKey?: string): Promise<AddOutcome<T>> {
    const { entries, dedupe } = this.state;
    if (dedupeKey !== undefined) {
      this.forgetExpiredDedupeKeys();
      const seen = dedupe.get(dedupeKey);
      if (seen !== undefined) {
        const existing = entries.get(seen.id);
        return existing
          ? { status: 'pending', id: seen.id, entry: existing.entry }
          : { status: 'completed', id: seen.id };
      }
      dedupe.set(dedupeKey, { id, expiresAt: this.now() + this.dedupeTtlMs });
    }
    entries.set(id, { entry, score: Math.trunc(deadline), holder: undefined });
    return { status: 'added' };
  }

  async addMany(entries: readonly PendingAdd<T>[]): Promise<AddOutcome<T>[]> {
    const outcomes: AddOutcome<T>[] = [];
    for (const { id, entry, deadline, dedupeKey } of entries) {
      outcomes.push(await this.add(id, entry, deadline, dedupeKey));
    }
    return outcomes;
  }

  async claim(id: string, now: number): Promise<ClaimOutcome<T>> {
    const slot = this.state.entries.get(id);
    if (!slot) return { claimed: false, reason: 'unknown' };
    if (slot.holder !== undefined) {
      const earlierLife =
        slot.holder !== this.holder && slot.holder.startsWith(this.instancePrefix);
      if (slot.score > now && !earlierLife) return { claimed: false, reason: 'held' };
    }
    slot.holder = this.holder;
    slot.score = Math.trunc(now) + this.leaseMs;
    return { claimed: true, entry: slot.entry };
  }

  async claimExpired(now: number, limit: number): Promise<ExpiredEntry<T>[]> {
    const due = [...this.state.entries]
      .filter(([, slot]) => slot.score <= now)
      .sort(([, a], [, b]) => a.score - b.score)
      .slice(0, limit);
    for (const [, slot] of due) {
      slot.holder = this.holder;
      slot.score = Math.trunc(now) + this.leaseMs;
    }
    return due.map(([id, slot]) => ({ id, entry: slot.entry }));
  }

  async complete(id: string): Promise<boolean> {
    const slot = this.state.entries.get(id);
    if (slot?.holder !== this.holder) return false;
    this.state.entries.delete(id);
    return true;
  }

  private forgetExpiredDedupeKeys(): void {
    // Keys are inserted with one time to live, so the oldest come first.
    const now = this.now();
    for (const [key, seen] of this.state.dedupe) {
      if (seen.expiresAt > now) break;
      this.state.dedupe.delete(key);
    }
  }
}
