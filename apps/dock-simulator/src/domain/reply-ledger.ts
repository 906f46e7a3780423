/**
 * The replies a dock is owed: events with need_reply (events_reply), update_topo (status_reply)
 * and requests (requests_reply). Each is expected by tid until a deadline; the report counts the
 * ones that never came, came late, or came without being asked for.
 */

export type ReplyKind = 'events_reply' | 'status_reply' | 'requests_reply';

interface Expected {
  readonly kind: ReplyKind;
  readonly method: string;
  readonly sentAt: number;
  readonly deadline: number;
}

export type SettleOutcome =
  | { readonly outcome: 'answered'; readonly latencyMs: number; readonly method: string }
  | { readonly outcome: 'late' | 'unexpected' };

export interface LedgerCounts {
  readonly pending: number;
  /** `events_reply:flighttask_progress` -> count */
  readonly missing: Readonly<Record<string, number>>;
  readonly late: number;
  readonly unexpected: number;
  /** Replies still pending when the dock went offline: nobody's fault, not counted missing. */
  readonly abandoned: number;
  readonly latenciesMs: Readonly<Record<ReplyKind, readonly number[]>>;
}

export class ReplyLedger {
  private readonly expected = new Map<string, Expected>();
  private readonly expired = new Set<string>();
  private readonly missing: Record<string, number> = {};
  private readonly latencies: Record<ReplyKind, number[]> = {
    events_reply: [],
    status_reply: [],
    requests_reply: [],
  };
  private late = 0;
  private unexpected = 0;
  private abandoned = 0;

  constructor(private readonly timeoutMs: number) {}

  expect(kind: ReplyKind, tid: string, method: string, now: number): void {
    this.expected.set(key(kind, tid), {
      kind,
      method,
      sentAt: now,
      deadline: now + this.timeoutMs,
    });
  }

  isPending(kind: ReplyKind, tid: string): boolean {
    return this.expected.has(key(kind, tid));
  }

  settle(kind: ReplyKind, tid: string, now: number): SettleOutcome {
    const k = key(kind, tid);
    const entry = this.expected.get(k);
    if (entry === undefined) {
      if (this.expired.delete(k)) {
        this.late += 1;
        return { outcome: 'late' };
      }
      this.unexpected += 1;
      return { outcome: 'unexpected' };
    }
    this.expected.delete(k);
    const latencyMs = Math.max(0, now - entry.sentAt);
    this.latencies[kind].push(latencyMs);
    return { outcome: 'answered', latencyMs, method: entry.method };
  }

  /** Moves overdue entries to `missing`; returns them so the caller can react (a request). */
  expire(now: number): { kind: ReplyKind; tid: string; method: string }[] {
    const overdue: { kind: ReplyKind; tid: string; method: string }[] = [];
    for (const [k, entry] of this.expected) {
      if (entry.deadline > now) continue;
      this.expected.delete(k);
      // Remembered (bounded by how many went missing) so a late reply is told from a stray one.
      this.expired.add(k);
      const name = `${entry.kind}:${entry.method}`;
      this.missing[name] = (this.missing[name] ?? 0) + 1;
      overdue.push({ kind: entry.kind, tid: k.slice(entry.kind.length + 1), method: entry.method });
    }
    return overdue;
  }

  /** The dock went offline: what it waited for can no longer arrive (clean MQTT session). */
  abandonAll(): void {
    this.abandoned += this.expected.size;
    this.expected.clear();
  }

  counts(): LedgerCounts {
    return {
      pending: this.expected.size,
      missing: { ...this.missing },
      late: this.late,
      unexpected: this.unexpected,
      abandoned: this.abandoned,
      latenciesMs: this.latencies,
    };
  }
}

function key(kind: ReplyKind, tid: string): string {
  return `${kind}:${tid}`;
}
