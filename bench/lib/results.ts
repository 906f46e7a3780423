import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

export function renderTable(rows: readonly ResultRow[]): string {
  const lines = [
    '| # | figure | target | measured | met | notes |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.id} | ${cell(r.figure)} | ${cell(r.target)} | ${cell(r.measured)} | ${r.met ? 'yes' : '**no**'} | ${cell(r.notes)} |`,
    ),
  ];
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function writeResults(
  dir: string,
  stamp: string,
  machine: MachineInfo,
  rows: readonly ResultRow[],
  extra: { settings: Record<string, unknown>; quick: boolean; sections: string[] },
): { markdown: string; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const header =
    `Run ${stamp} on ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ` +
    `Node ${machine.node}, ${machine.mosquitto}, ${machine.kafka}; load average at start ` +
    `${machine.loadAverageAtStart.join(' / ')}, at end ${(machine.loadAverageAtEnd ?? []).join(' / ')}` +
    (extra.quick ? ' — QUICK MODE (reduced counts; targets not claimable)' : '');
  const markdown = [
    '# Benchmark results',
    '',
    header,
    '',
    'Every figure comes from this run (`npm run bench`); the load generators run in processes of',
    'their own on the same machine. Analysis and tuning: docs/performance.md.',
    '',
    renderTable(rows),
    '',
    ...extra.sections,
    '',
  ].join('\n');
  const json = JSON.stringify({ stamp, machine, settings: extra.settings, rows }, null, 2);
  const files = [path.join(dir, 'latest.md'), path.join(dir, 'latest.json')];
  writeFileSync(files[0], markdown);
  writeFileSync(files[1], json);
  return { markdown, files };
}
