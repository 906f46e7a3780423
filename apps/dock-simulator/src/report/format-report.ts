import { describeResultCode } from '@dock/protocol';
import { FleetReport, LatencySummary } from './fleet-report';

/** The end-of-run report for a terminal: short sections, the problems first. */
export function formatReport(report: FleetReport): string {
  const lines: string[] = [];
  const d = report.docks;
  lines.push(`dock simulator report (${report.durationS} s from ${report.startedAt})`);
  lines.push(
    `docks: ${d.total} simulated, ${d.online} online at the end, ${d.connectFailures} never connected, ${d.reconnects} reconnects`,
  );
  lines.push(`onboarding: ${entries(d.onboarding)}`);

  const r = report.replies;
  lines.push('');
  lines.push(
    `replies missing: ${r.missingTotal}` +
      (r.missingTotal > 0 ? ` (${entries(r.missing)})` : '') +
      `; still pending ${r.pending}, late ${r.late}, unexpected ${r.unexpected}, abandoned while offline ${r.abandonedOffline}`,
  );
  lines.push('reply latency (ms):');
  for (const [kind, summary] of Object.entries(report.latenciesMs)) {
    lines.push(`  ${kind.padEnd(15)} ${latency(summary)}`);
  }

  lines.push('');
  lines.push('tasks by state:');
  const tasks = Object.entries(report.tasks);
  if (tasks.length === 0) lines.push('  (no task was prepared)');
  for (const [state, count] of tasks) {
    const code = /^failed (\d+)$/.exec(state)?.[1];
    const meaning = code === undefined ? '' : `  ${describeResultCode(Number(code)).meaning}`;
    lines.push(`  ${String(count).padStart(6)}  ${state}${meaning}`);
  }

  const s = report.services;
  lines.push('');
  lines.push(`services received: ${entries(s.received) || 'none'}`);
  if (Object.keys(s.results).length > 0)
    lines.push(`services answered (method=result): ${entries(s.results)}`);
  if (s.lost > 0) lines.push(`services never answered on purpose (--never-reply): ${s.lost}`);

  const m = report.messages;
  lines.push('');
  lines.push(
    `messages published: ${m.total}; dropped while offline ${m.droppedWhileOffline}; publish errors ${m.publishErrors}; inbound ignored ${m.ignoredInbound}`,
  );
  for (const [key, count] of Object.entries(m.published)) {
    lines.push(`  ${String(count).padStart(8)}  ${key}`);
  }
  return lines.join('\n');
}

function latency(summary: LatencySummary): string {
  if (summary.count === 0) return 'no replies';
  return `n=${summary.count} p50=${summary.p50} p95=${summary.p95} max=${summary.max}`;
}

function entries(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
}
