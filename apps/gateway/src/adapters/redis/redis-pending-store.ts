import type Redis from 'ioredis';
import type {
  AddOutcome,
  ClaimOutcome,
  ExpiredEntry,
  PendingAdd,
  PendingStore,
} from '../../domain/pending/pending-store';
import { ADD_MANY, CLAIM, CLAIM_EXPIRED, COMPLETE } from './pending-scripts';

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

/** Entries per ADD_MANY call. */
const ADD_CHUNK = 200;

/** PendingStore over Redis (see pending-scripts.ts for the keys and the atomic steps). */
export class RedisPendingStore<T> implements PendingStore<T> {
  /** `{prefix}:{kind}`: every key of this store starts so (one hash slot). */
  private readonly base: string;
  private readonly entries: string;
  private readonly deadlines: string;
  private readonly claims: string;
  private readonly holder: string;
  private readonly instancePrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly settings: RedisPendingStoreSettings,
  ) {
    this.base = `${settings.prefix}:{${settings.kind}}`;
    this.entries = `${this.base}:entries`;
    this.deadlines = `${this.base}:deadlines`;
    this.claims = `${this.base}:claims`;
    this.instancePrefix = `${settings.instanceId}|`;
    this.holder = `${this.instancePrefix}${settings.bootId}`;
  }

  add(id: string, entry: T, deadline: number, dedupeKey?: string): Promise<AddOutcome<T>> {
    return this.addMany([{ id, entry, deadline, dedupeKey }]).then(([outcome]) => outcome);
  }

  async addMany(entries: readonly PendingAdd<T>[]): Promise<AddOutcome<T>[]> {
    const outcomes: AddOutcome<T>[] = [];
    // One script call per chunk: a consumed batch may hold thousands of commands, and a script
    // holds Redis for its whole run. Chunks run one after the other, keeping the order of adds.
    for (let start = 0; start < entries.length; start += ADD_CHUNK) {
      outcomes.push(...(await this.addChunk(entries.slice(start, start + ADD_CHUNK))));
    }
    return outcomes;
  }

  private async addChunk(entries: readonly PendingAdd<T>[]): Promise<AddOutcome<T>[]> {
    const keys = [this.entries, this.deadlines];
    const args: (string | number)[] = [this.settings.dedupeTtlMs];
    for (const { id, entry, deadline, dedupeKey } of entries) {
      keys.push(`${this.base}:dedupe:${dedupeKey ?? ''}`);
      args.push(id, JSON.stringify(entry), Math.trunc(deadline), dedupeKey ? 1 : 0);
    }
    const reply = await ADD_MANY.run(this.redis, keys, args);
    if (!Array.isArray(reply) || reply.length !== entries.length) {
      throw new Error(`unexpected Redis script reply: ${String(reply)}`);
    }
    return reply.map((outcome: unknown): AddOutcome<T> => {
      const [status, id, entry] = asStrings(outcome);
      if (status === 'pending') return { status: 'pending', id, entry: parse<T>(entry) };
      if (status === 'completed') return { status: 'completed', id };
      return { status: 'added' };
    });
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
