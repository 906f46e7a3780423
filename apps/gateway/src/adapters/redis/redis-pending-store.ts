import type Redis from 'ioredis';
import type {
  AddOutcome,
  ClaimOutcome,
  ExpiredEntry,
  PendingStore,
} from '../../domain/pending/pending-store';
import { ADD, CLAIM, CLAIM_EXPIRED, COMPLETE } from './pending-scripts';

export interface RedisPendingStoreSettings {
  /** e.g. `dock-gateway`; keys are `{prefix}:{kind}:...` with `{kind}` as the hash tag. */
  readonly prefix: string;
  /** `commands` or `requests`. */
  readonly kind: string;
  /** This process: `{instanceId}|{bootId}`; instanceId alone identifies earlier lives. */
  readonly instanceId: string;
  readonly bootId: string;
  readonly leaseMs: number;
  /** How long a dedupe key (correlation id) is remembered. */
  readonly dedupeTtlMs: number;
}

/** PendingStore over Redis (see pending-scripts.ts for the keys and the atomic steps). */
export class RedisPendingStore<T> implements PendingStore<T> {
  private readonly entries: string;
  private readonly deadlines: string;
  private readonly claims: string;
  private readonly holder: string;
  private readonly instancePrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly settings: RedisPendingStoreSettings,
  ) {
    const base = `${settings.prefix}:{${settings.kind}}`;
    this.entries = `${base}:entries`;
    this.deadlines = `${base}:deadlines`;
    this.claims = `${base}:claims`;
    this.instancePrefix = `${settings.instanceId}|`;
    this.holder = `${this.instancePrefix}${settings.bootId}`;
  }

  async add(id: string, entry: T, deadline: number, dedupeKey?: string): Promise<AddOutcome<T>> {
    const dedupe = `${this.settings.prefix}:{${this.settings.kind}}:dedupe:${dedupeKey ?? ''}`;
    const reply = asStrings(
      await ADD.run(
        this.redis,
        [this.entries, this.deadlines, dedupe],
        [
          id,
          JSON.stringify(entry),
          Math.trunc(deadline),
          this.settings.dedupeTtlMs,
          dedupeKey ? 1 : 0,
        ],
      ),
    );
    if (reply[0] === 'pending')
      return { status: 'pending', id: reply[1], entry: parse<T>(reply[2]) };
    if (reply[0] === 'completed') return { status: 'completed', id: reply[1] };
    return { status: 'added' };
  }

  async claim(id: string, now: number): Promise<ClaimOutcome<T>> {
    const reply = asStrings(
      await CLAIM.run(
        this.redis,
        [this.entries, this.deadlines, this.claims],
        [id, this.holder, Math.trunc(now), this.settings.leaseMs, this.instancePrefix],
      ),
    );
    if (reply[0] === 'claimed') return { claimed: true, entry: parse<T>(reply[1]) };
    return { claimed: false, reason: reply[0] === 'held' ? 'held' : 'unknown' };
  }

  async claimExpired(now: number, limit: number): Promise<ExpiredEntry<T>[]> {
    const reply = asStrings(
      await CLAIM_EXPIRED.run(
        this.redis,
        [this.entries, this.deadlines, this.claims],
        [Math.trunc(now), limit, this.holder, this.settings.leaseMs],
      ),
    );
    const expired: ExpiredEntry<T>[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      expired.push({ id: reply[i], entry: parse<T>(reply[i + 1]) });
    }
    return expired;
  }

  async complete(id: string): Promise<boolean> {
    const reply = await COMPLETE.run(
      this.redis,
      [this.entries, this.deadlines, this.claims],
      [id, this.holder],
    );
    return reply === 1;
  }
}

function asStrings(reply: unknown): string[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected Redis script reply: ${String(reply)}`);
  return reply.map(String);
}

/** Entries are written by this class only, so their shape is ours. */
function parse<T>(json: string): T {
  return JSON.parse(json) as T;
}
