import {
  buildEventsReply,
  buildRequestsReply,
  buildStateReply,
  buildStatusReply,
  BuildResult,
  decodeJsonObject,
  parseTopic,
  readEnvelope,
  ReplyTarget,
  requestFailureResult,
} from '@dock/protocol';
import type { OwedReply } from './owed-replies';
import type { UplinkInput } from './plan-uplink';

/**
 * The result a dock gets for a message the gateway refused. The spec has no code for "the
 * cloud could not accept this message"; any non-zero result means "not accepted", which is
 * what the dock must learn instead of waiting for a reply that never comes.
 */
export const REFUSED_MESSAGE_RESULT = 1;

/**
 * The replies owed to a dock for a message that was refused (and dead-lettered): when its
 * topic and envelope can still be read (the refusal was about its data, or text that is not
 * valid Unicode), a message that asked for a reply gets one, with REFUSED_MESSAGE_RESULT.
 * Requests get their requests_reply at once (no service will answer a refused request).
 */
export function refusalReplies(
  input: UplinkInput,
  maxPayloadBytes: number,
  now: number,
): OwedReply[] {
  const topic = parseTopic(input.topic);
  if (!topic.ok || topic.value.direction !== 'up' || input.payload.length > maxPayloadBytes) {
    return [];
  }
  let parsed: unknown;
  try {
    // Lossy on purpose: bad bytes become U+FFFD, enough to read tid, bid and method.
    parsed = JSON.parse(input.payload.toString('utf8'));
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
  const { family, gatewaySn } = topic.value;
  const envelope = readEnvelope(parsed as Record<string, unknown>, family, []);
  if (!envelope.ok) return [];
  const { tid, bid, method, needReply } = envelope.value;
  const target: ReplyTarget = { gatewaySn, tid, bid, method, family };
  const result = REFUSED_MESSAGE_RESULT;
  switch (family) {
    case 'events':
      return needReply ? one('events_reply', buildEventsReply(target, now, result)) : [];
    case 'status':
      return method === 'update_topo' || needReply
        ? one('status_reply', buildStatusReply(target, now, result))
        : [];
    case 'state':
      return needReply ? one('state_reply', buildStateReply(target, now, result)) : [];
    case 'requests':
      return one(
        'requests_reply',
        buildRequestsReply(target, now, { result: requestFailureResult(method) }),
      );
    default:
      return [];
  }
}

function one(type: OwedReply['type'], built: BuildResult): OwedReply[] {
  if (!built.ok) return [];
  // A reply echoes tid, bid and method: it must itself pass the gateway's first line (a tid
  // holding a lone surrogate cannot be echoed faithfully, so there is nothing to answer).
  if (!decodeJsonObject(built.message.payload).ok) return [];
  return [{ type, topic: built.message.topic, payload: built.message.payload }];
}
