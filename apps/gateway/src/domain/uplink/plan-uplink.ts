import { normaliseUplink, NormalisedMessage, parseTopic, ValidationFailure } from '@dock/protocol';
import type { UplinkFamily } from '@dock/contracts';
import { GatewayTopics } from '../shared/gateway-topics';
import { OutgoingRecord } from '../shared/ports';
import { rejectionReason, RejectionReason } from './rejection-reason';
import { isUplinkFamily, toDeadLetterRecord, toUplinkRecord } from './uplink-records';

export interface UplinkInput {
  readonly topic: string;
  readonly payload: Buffer;
  readonly receivedAt: number;
}

export interface UplinkLimits {
  readonly maxPayloadBytes: number;
  /** Raw bytes of refused input kept in the dead-letter record. */
  readonly maxDeadLetterRawBytes: number;
}

export type AcceptedMessage = NormalisedMessage & { readonly family: UplinkFamily };

export type UplinkPlan =
  | {
      readonly kind: 'accepted';
      readonly message: AcceptedMessage;
      readonly record: OutgoingRecord;
    }
  | {
      readonly kind: 'rejected';
      readonly reason: RejectionReason;
      readonly failure: ValidationFailure;
      readonly record: OutgoingRecord;
    };

/**
 * What to do with one dock message: the normalised record for its family's topic, or a
 * dead-letter record saying why it was refused. Methods the protocol library does not model
 * are accepted as they came (`known: false`): newer firmware must not be turned away.
 */
export function planUplink(
  input: UplinkInput,
  topics: GatewayTopics,
  limits: UplinkLimits,
): UplinkPlan {
  const normalised = normaliseUplink(input.topic, input.payload, {
    maxPayloadBytes: limits.maxPayloadBytes,
  });
  if (normalised.ok && isUplinkFamily(normalised.message.family)) {
    const message = normalised.message as AcceptedMessage;
    return {
      kind: 'accepted',
      message,
      record: {
        topic: topics.uplink[message.family],
        key: message.gatewaySn,
        value: toUplinkRecord(message, input.receivedAt),
        headers: {
          tid: message.tid || null,
          bid: message.bid || null,
          method: message.method,
          family: message.family,
        },
      },
    };
  }
  const failure: ValidationFailure = normalised.ok
    ? {
        path: 'topic',
        rule: 'an uplink topic the gateway forwards',
        received: input.topic,
        message: `topic: expected an uplink topic the gateway forwards, received ${input.topic}`,
      }
    : normalised.error;
  const parsedTopic = parseTopic(input.topic);
  const gatewaySn = parsedTopic.ok ? parsedTopic.value.gatewaySn : undefined;
  return {
    kind: 'rejected',
    reason: rejectionReason(failure),
    failure,
    record: {
      topic: topics.deadLetter,
      // Keyed by SN when the topic had one, so one dock's refusals stay in order too.
      key: gatewaySn ?? input.topic,
      value: toDeadLetterRecord({
        topic: input.topic,
        payload: input.payload,
        receivedAt: input.receivedAt,
        failure,
        gatewaySn,
        maxRawBytes: limits.maxDeadLetterRawBytes,
      }),
      headers: {},
    },
  };
}
