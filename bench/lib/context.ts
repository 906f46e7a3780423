import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kafka } from 'kafkajs';
import type { BenchBroker } from './mosquitto';

/** What every benchmark gets from the orchestrator. */
export interface BenchContext {
  readonly runId: string;
  readonly logDir: string;
  readonly broker: BenchBroker;
  readonly kafka: Kafka;
  /** Shorter runs and smaller counts (for trying the harness; results say so). */
  readonly quick: boolean;
  /** Writes a progress line to stderr. */
  readonly log: (line: string) => void;
}

/** One line of the results table. */
export interface ResultRow {
  readonly id: string;
  readonly figure: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
  readonly notes: string;
  /** Raw numbers for the JSON file. */
  readonly data?: Record<string, unknown>;
}

/** The local Kafka broker's pid (scripts/infra.js records it), for CPU accounting. */
export function kafkaPid(): number {
  try {
    const root = path.resolve(__dirname, '..', '..');
    const text = readFileSync(path.join(root, '.infra', 'kafka', 'kafka.pid'), 'utf8').trim();
    const parsed: unknown = text.startsWith('{') ? JSON.parse(text) : Number(text);
    if (typeof parsed === 'number') return parsed;
    const pid = (parsed as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : -1;
  } catch {
    return -1;
  }
}

export function env(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number`);
  return value;
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
