import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Test-only access to the shared spec and the recorded flight. They are read in place, never
 * copied into the repo (the recording has no licence). This file is libs/protocol/test/, so the
 * repo root is three levels up and shared/ sits beside it.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
export const SPEC_FILE = path.join(SHARED_DIR, 'spec', 'dock-wayline-mqtt.md');
export const FIXTURE_DIR = path.join(SHARED_DIR, 'fixtures', 'real-dock3-flight');

export const SPEC_GATEWAY_SN = 'SN_DOCK_SPEC';

export interface SpecExample {
  /** 1-based position among the spec's json blocks, for readable test names. */
  readonly index: number;
  /** From the preceding **Topic:** line, `*{gateway_sn}*` replaced by SPEC_GATEWAY_SN. */
  readonly topic: string;
  /** From the preceding **Method:** line. */
  readonly method: string;
  readonly json: string;
}

/** Every ```json fence of dock-wayline-mqtt.md with the Topic / Method lines that precede it. */
export function readSpecExamples(): SpecExample[] {
  const markdown = fs.readFileSync(SPEC_FILE, 'utf8');
  const examples: SpecExample[] = [];
  const fence = /```json\r?\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(fence)) {
    const before = markdown.slice(0, match.index);
    const topic = lastCapture(before, /\*\*Topic:\*\*\s*(\S+)/g);
    const method = lastCapture(before, /\*\*Method:\*\*\s*(\S+)/g);
    if (topic === undefined || method === undefined) {
      throw new Error(`json block ${examples.length + 1} has no Topic/Method line before it`);
    }
    examples.push({
      index: examples.length + 1,
      topic: topic.replace('*{gateway_sn}*', SPEC_GATEWAY_SN),
      method,
      json: match[1] ?? '',
    });
  }
  return examples;
}

function lastCapture(text: string, pattern: RegExp): string | undefined {
  let last: string | undefined;
  for (const match of text.matchAll(pattern)) last = match[1];
  return last;
}

export interface RecordedLine {
  readonly file: string;
  readonly line: number;
  readonly topic: string;
  /** The MQTT payload re-serialised to the bytes a broker would deliver. */
  readonly payload: Buffer;
  readonly parsed: Record<string, unknown>;
}

export const RECORDING_FILES = [
  'dock-events.jsonl',
  'dock-events_reply.jsonl',
  'dock-osd.jsonl',
  'dock-services.jsonl',
  'dock-services_reply.jsonl',
  'dock-state.jsonl',
] as const;

/** Each line is `{recv_ts_ms, dji_ts_ms, direction, topic, payload}`. */
export function readRecording(file: (typeof RECORDING_FILES)[number]): RecordedLine[] {
  const text = fs.readFileSync(path.join(FIXTURE_DIR, file), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const record = JSON.parse(line) as { topic: string; payload: Record<string, unknown> };
      return {
        file,
        line: index + 1,
        topic: record.topic,
        payload: Buffer.from(JSON.stringify(record.payload)),
        parsed: record.payload,
      };
    });
}

/** Every .jsonl in the fixture directory, to notice a file added without a test. */
export function listRecordingFiles(): string[] {
  return fs
    .readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .sort();
}
