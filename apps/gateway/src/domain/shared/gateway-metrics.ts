/**
 * What the domain reports for counting. The prom-client adapter implements it; unit tests use
 * a recording fake. Labels are small closed sets (families, reasons, reply types).
 */
export interface GatewayMetrics {
  received(family: string): void;
  deadLettered(reason: string): void;
  replySent(type: ReplyType): void;
  commandSent(method: string): void;
  commandInvalid(reason: string): void;
  replyMatched(outcome: 'replied' | 'timeout'): void;
  orphanReply(kind: 'command' | 'request', reason: string): void;
  timedOut(kind: 'command' | 'request'): void;
  writeRetried(): void;
  /** A requests_reply sent: method (bounded, see methodLabel) and how the request ended. */
  requestReplied(method: string, outcome: string): void;
}

export type ReplyType = 'events_reply' | 'status_reply' | 'state_reply' | 'requests_reply';

/** A GatewayMetrics that counts nothing (tools, some tests). */
export const NO_METRICS: GatewayMetrics = {
  received: () => undefined,
  deadLettered: () => undefined,
  replySent: () => undefined,
  commandSent: () => undefined,
  commandInvalid: () => undefined,
  replyMatched: () => undefined,
  orphanReply: () => undefined,
  timedOut: () => undefined,
  writeRetried: () => undefined,
  requestReplied: () => undefined,
};
