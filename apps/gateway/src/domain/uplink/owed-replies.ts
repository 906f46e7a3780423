import {
  buildEventsReply,
  buildStateReply,
  buildStatusReply,
  BuildResult,
  NormalisedMessage,
} from '@dock/protocol';
import type { ReplyType } from '../shared/gateway-metrics';

export interface OwedReply {
  readonly type: ReplyType;
  readonly topic: string;
  readonly payload: string;
}

/**
 * The replies the protocol owes the dock for one message, which the gateway sends itself
 * (spec README, "Topics and directions"):
 * - events with need_reply (known or not: newer firmware's events get theirs too),
 * - status (update_topo, or any status asking for one),
 * - state with need_reply.
 * requests_reply is not here: it waits for the answering service (see RequestForwarding).
 */
export function owedReplies(message: NormalisedMessage, now: number): OwedReply[] {
  switch (message.family) {
    case 'events':
      return message.needReply ? one('events_reply', buildEventsReply(message, now)) : [];
    case 'status':
      return message.method === 'update_topo' || message.needReply
        ? one('status_reply', buildStatusReply(message, now))
        : [];
    case 'state':
      return message.needReply ? one('state_reply', buildStateReply(message, now)) : [];
    default:
      return [];
  }
}

function one(type: ReplyType, built: BuildResult): OwedReply[] {
  // The normaliser already required what the builders check (tid, bid, method), so a refusal
  // here cannot come from the dock's input; there is nothing valid to send in that case.
  return built.ok ? [{ type, topic: built.message.topic, payload: built.message.payload }] : [];
}
