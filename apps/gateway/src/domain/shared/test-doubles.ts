import { GatewayMetrics } from './gateway-metrics';
import { GATEWAY_TOPICS } from './gateway-topics';
import { Clock, DockPublisher, GatewayLog, OutgoingRecord, RecordWriter } from './ports';

/** Test doubles of the ports, shared by the domain's unit tests. */
export class RecordingWriter implements RecordWriter {
  readonly records: OutgoingRecord[] = [];
  failuresLeft = 0;
  async write(records: readonly OutgoingRecord[]): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('kafka down');
    }
    this.records.push(...records);
  }
  on(topic: string): OutgoingRecord[] {
    return this.records.filter((record) => record.topic === topic);
  }
}

export class RecordingPublisher implements DockPublisher {
  readonly published: { topic: string; json: Record<string, unknown> }[] = [];
  async publish(topic: string, payload: string): Promise<void> {
    this.published.push({ topic, json: JSON.parse(payload) as Record<string, unknown> });
  }
}

export class ManualClock implements Clock {
  constructor(public time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
}

export function countingMetrics(): GatewayMetrics & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  return {
    counts,
    received: (family) => bump(`received:${family}`),
    deadLettered: (reason) => bump(`dead:${reason}`),
    replySent: (type) => bump(`reply:${type}`),
    commandSent: (method) => bump(`sent:${method}`),
    commandInvalid: (reason) => bump(`invalid:${reason}`),
    replyMatched: (outcome) => bump(`outcome:${outcome}`),
    orphanReply: (kind, reason) => bump(`orphan:${kind}:${reason}`),
    timedOut: (kind) => bump(`timeout:${kind}`),
    writeRetried: () => bump('retry'),
    requestReplied: (method, outcome) => bump(`request:${method}:${outcome}`),
  };
}

export const silentLog: GatewayLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export const TOPICS = GATEWAY_TOPICS;
