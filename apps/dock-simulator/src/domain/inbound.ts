import { normaliseDownlink, parseEnvelope, parseTopic } from '@dock/protocol';

/**
 * What the cloud sends a dock, decoded with the protocol library's strict downlink validators
 * (so the simulator refuses what a real dock would choke on, and says why).
 */
export type Inbound =
  | {
      readonly kind: 'service';
      readonly method: string;
      readonly tid: string;
      readonly bid: string;
      readonly data: unknown;
      /** Set when the envelope was readable but the data failed validation. */
      readonly invalid?: string;
    }
  | {
      readonly kind: 'reply';
      readonly family: 'events_reply' | 'status_reply' | 'requests_reply';
      readonly method: string | null;
      readonly tid: string;
      readonly data: unknown;
      readonly invalid?: string;
    }
  /** Unreadable, or for another dock: counted, otherwise ignored. */
  | { readonly kind: 'ignored'; readonly reason: string };

export function decodeInbound(sn: string, topic: string, payload: Buffer | string): Inbound {
  const parsed = parseTopic(topic);
  if (!parsed.ok) return { kind: 'ignored', reason: parsed.error.message };
  if (parsed.value.gatewaySn !== sn) return { kind: 'ignored', reason: `topic of ${topic}` };
  const family = parsed.value.family;
  if (
    family !== 'services' &&
    family !== 'events_reply' &&
    family !== 'status_reply' &&
    family !== 'requests_reply'
  ) {
    return { kind: 'ignored', reason: `no dock listens on ${family}` };
  }

  const normalised = normaliseDownlink(topic, payload);
  if (normalised.ok) {
    const m = normalised.message;
    return family === 'services'
      ? { kind: 'service', method: m.method ?? '', tid: m.tid, bid: m.bid, data: m.data }
      : { kind: 'reply', family, method: m.method, tid: m.tid, data: m.data };
  }

  // The data was refused: the envelope may still be readable, and then the dock answers
  // (a service is refused with a code; a reply settles what it answers, as a failure).
  const envelope = parseEnvelope(payload, family);
  if (!envelope.ok) return { kind: 'ignored', reason: normalised.error.message };
  const e = envelope.value;
  const invalid = normalised.error.message;
  return family === 'services'
    ? { kind: 'service', method: e.method ?? '', tid: e.tid, bid: e.bid, data: e.data, invalid }
    : { kind: 'reply', family, method: e.method, tid: e.tid, data: e.data, invalid };
}
