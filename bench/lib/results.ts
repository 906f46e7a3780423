import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ResultRow } from './context';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  mosquitto: string;
  kafka: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const match = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) cpuModel = match[1].trim();
  } catch {
    /* not Linux */
  }
  let mosquitto = 'unknown';
  try {
    mosquitto = execFileSync('mosquitto', ['-h'], { encoding: 'utf8' }).split('\n')[0];
  } catch (error) {
    const out = (error as { stdout?: string }).stdout;
    if (out) mosquitto = out.split('\n')[0];
  }
  return {
    cpuModel,
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    mosquitto: mosquitto.trim(),
    kafka: 'Apache Kafka 3.9 (scripts/infra.js, KRaft, single node, Xmx512m)',
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function renderTable(
  rows: readonly (ResultRow & { run?: string })[],
  withRun = false,
): string {
  const lines = [
    `| # | figure | target | measured | met | notes |${withRun ? ' run |' : ''}`,
    `|---|---|---|---|---|---|${withRun ? '---|' : ''}`,
    ...rows.map(
      (r) =>
        `| ${r.id} | ${cell(r.figure)} | ${cell(r.target)} | ${cell(r.measured)} | ${r.met ? 'yes' : '**no**'} | ${cell(r.notes)} |` +
        (withRun ? ` ${r.run ?? ''} |` : ''),
    ),
  ];
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One row as stored in latest.json: the result and the run that measured it. */
export interface StoredRow extends ResultRow {
  readonly run: string;
}

interface StoredResults {
  stamp: string;
  machine: MachineInfo;
  settings: Record<string, unknown>;
  rows: StoredRow[];
  /** Every run whose rows are in this file, with its machine and load. */
  runs?: { stamp: string; machine: MachineInfo; quick: boolean }[];
  sections?: string[];
}

/**
 * Writes latest.{md,json}. A partial run (`--only`) replaces just the rows it measured: the
 * others stay, each row names the run that measured it, and the header lists every such run.
 * `analysis.md` beside the results (the misses: by how much, why, what would close them) is
 * kept by hand and appended, because its reasoning cannot be generated.
 */
export function writeResults(
  dir: string,
  stamp: string,
  machine: MachineInfo,
  rows: readonly ResultRow[],
  extra: {
    settings: Record<string, unknown>;
    quick: boolean;
    sections: string[];
    partial: boolean;
  },
): { markdown: string; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const jsonFile = path.join(dir, 'latest.json');
  const previous = extra.partial ? readStored(jsonFile) : undefined;
  const fresh: StoredRow[] = rows.map((row) => ({ ...row, run: stamp }));
  const merged = mergeRows(previous?.rows ?? [], fresh);
  const usedRuns = new Set(merged.map((row) => row.run));
  const runs = [
    ...(previous?.runs ??
      (previous ? [{ stamp: previous.stamp, machine: previous.machine, quick: false }] : [])),
    { stamp, machine, quick: extra.quick },
  ].filter((run) => usedRuns.has(run.stamp));
  const sections = extra.sections.length > 0 ? extra.sections : (previous?.sections ?? []);
  const analysisFile = path.join(dir, 'analysis.md');
  const analysis = existsSync(analysisFile) ? readFileSync(analysisFile, 'utf8').trim() : '';
  const markdown = [
    '# Benchmark results',
    '',
    ...runs.map((run) => `- ${runLine(run.stamp, run.machine, run.quick, merged)}`),
    '',
    'Every figure comes from the run named in its row (`npm run bench`); the load generators run in',
    'processes of their own on the same machine. Analysis and tuning: docs/performance.md.',
    '',
    renderTable(merged, runs.length > 1),
    '',
    ...sections,
    '',
    ...(analysis ? [analysis, ''] : []),
  ].join('\n');
  const stored: StoredResults = {
    stamp,
    machine,
    settings: { ...(previous?.settings ?? {}), ...extra.settings },
    rows: merged,
    runs,
    sections,
  };
  const files = [path.join(dir, 'latest.md'), jsonFile];
  writeFileSync(files[0], markdown);
  writeFileSync(files[1], `${JSON.stringify(stored, null, 2)}\n`);
  return { markdown, files };
}

/** Rows of the new run replace those with the same id; the table stays in id order. */
export function mergeRows(
  previous: readonly StoredRow[],
  fresh: readonly StoredRow[],
): StoredRow[] {
  const byId = new Map(previous.map((row) => [row.id, row]));
  for (const row of fresh) byId.set(row.id, row);
  return [...byId.values()].sort((a, b) => Number(a.id) - Number(b.id));
}

function readStored(file: string): StoredResults | undefined {
  if (!existsSync(file)) return undefined;
  const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredResults;
  // Files written before rows named their run: every row came from the file's one run.
  stored.rows = stored.rows.map((row) => ({ ...row, run: row.run ?? stored.stamp }));
  return stored;
}

function runLine(stamp: string, machine: MachineInfo, quick: boolean, rows: StoredRow[]): string {
  const ids = rows.filter((row) => row.run === stamp).map((row) => row.id);
  return (
    `Run ${stamp} (rows ${ids.join(', ')}) on ${machine.cores} × ${machine.cpuModel}, ` +
    `${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.mosquitto}, ${machine.kafka}; ` +
    `load average at start ${machine.loadAverageAtStart.join(' / ')}, at end ` +
    `${(machine.loadAverageAtEnd ?? []).join(' / ')}` +
    (quick ? ' — QUICK MODE (reduced counts; targets not claimable)' : '')
  );
}
