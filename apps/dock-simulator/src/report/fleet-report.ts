import type { DockSnapshot } from '../domain/dock-machine';
import type { ReplyKind } from '../domain/reply-ledger';

/**
 * What a run amounts to, from the docks' snapshots: tasks by final state, replies the cloud
 * owed and did not send, reply latencies, traffic. Pure: the same snapshots give the same report.
 */

export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly max: number | null;
}

export interface FleetReport {
  readonly startedAt: string;
  readonly durationS: number;
  readonly docks: {
    readonly total: number;
    readonly online: number;
    readonly connectFailures: number;
    readonly reconnects: number;
    /** Onboarding state -> docks (`refused`: licence missing or wrong, disconnected). */
    readonly onboarding: Readonly<Record<string, number>>;
  };
  readonly messages: {
    readonly published: Readonly<Record<string, number>>;
    readonly total: number;
    readonly droppedWhileOffline: number;
    readonly publishErrors: number;
    readonly ignoredInbound: number;
  };
  readonly services: {
    readonly received: Readonly<Record<string, number>>;
    /** `flighttask_execute=0` -> count */
    readonly results: Readonly<Record<string, number>>;
    readonly lost: number;
  };
  /** `ok`, `failed 314005`, `executing`... -> count */
  readonly tasks: Readonly<Record<string, number>>;
  readonly replies: {
    readonly missing: Readonly<Record<string, number>>;
    readonly missingTotal: number;
    readonly pending: number;
    readonly late: number;
    readonly unexpected: number;
    readonly abandonedOffline: number;
  };
  readonly latenciesMs: Readonly<Record<ReplyKind, LatencySummary>>;
}

export interface ReportInput {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly snapshots: readonly DockSnapshot[];
  readonly connectFailures: number;
  readonly publishErrors: number;
}

export function buildFleetReport(input: ReportInput): FleetReport {
  const published: Record<string, number> = {};
  const received: Record<string, number> = {};
  const results: Record<string, number> = {};
  const tasks: Record<string, number> = {};
  const missing: Record<string, number> = {};
  const onboarding: Record<string, number> = {};
  const latencies: Record<ReplyKind, number[]> = {
    events_reply: [],
    status_reply: [],
    requests_reply: [],
  };
  let online = 0;
  let reconnects = 0;
  let dropped = 0;
  let ignored = 0;
  let lost = 0;
  let pending = 0;
  let late = 0;
  let unexpected = 0;
  let abandoned = 0;

  for (const dock of input.snapshots) {
    if (dock.online) online += 1;
    onboarding[dock.onboarding.state] = (onboarding[dock.onboarding.state] ?? 0) + 1;
    reconnects += Math.max(0, dock.counters.connects - 1);
    dropped += dock.counters.droppedOffline;
    ignored += dock.counters.ignoredInbound;
    lost += dock.counters.servicesLost;
    addAll(published, dock.counters.published);
    addAll(received, dock.counters.servicesReceived);
    addAll(results, dock.counters.serviceResults);
    for (const task of dock.tasks) {
      const key = task.state === 'failed' ? `failed ${task.result}` : task.state;
      tasks[key] = (tasks[key] ?? 0) + 1;
    }
    addAll(missing, dock.replies.missing);
    pending += dock.replies.pending;
    late += dock.replies.late;
    unexpected += dock.replies.unexpected;
    abandoned += dock.replies.abandoned;
    for (const kind of Object.keys(latencies) as ReplyKind[]) {
      for (const value of dock.replies.latenciesMs[kind]) latencies[kind].push(value);
    }
  }

  return {
    startedAt: new Date(input.startedAt).toISOString(),
    durationS: Math.round((input.endedAt - input.startedAt) / 100) / 10,
    docks: {
      total: input.snapshots.length,
      online,
      connectFailures: input.connectFailures,
      reconnects,
      onboarding: sortedKeys(onboarding),
    },
    messages: {
      published: sortedKeys(published),
      total: sum(published),
      droppedWhileOffline: dropped,
      publishErrors: input.publishErrors,
      ignoredInbound: ignored,
    },
    services: { received: sortedKeys(received), results: sortedKeys(results), lost },
    tasks: sortedKeys(tasks),
    replies: {
      missing: sortedKeys(missing),
      missingTotal: sum(missing),
      pending,
      late,
      unexpected,
      abandonedOffline: abandoned,
    },
    latenciesMs: {
      events_reply: summarise(latencies.events_reply),
      status_reply: summarise(latencies.status_reply),
      requests_reply: summarise(latencies.requests_reply),
    },
  };
}

export function summarise(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: null, p95: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1] ?? null,
  };
}

function addAll(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}

function sum(record: Readonly<Record<string, number>>): number {
  return Object.values(record).reduce((a, b) => a + b, 0);
}

function sortedKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
