import { DeadLetterRecord, SCHEMA_VERSION, UplinkFamily, UplinkRecord } from '@dock/contracts';
import type { NormalisedMessage, ValidationFailure } from '@dock/protocol';

const UPLINK_FAMILIES: ReadonlySet<string> = new Set<UplinkFamily>([
  'events',
  'services_reply',
  'requests',
  'osd',
  'state',
  'status',
]);

export function isUplinkFamily(family: string): family is UplinkFamily {
  return UPLINK_FAMILIES.has(family);
}

/** The Kafka value of a normalised dock message (schema: uplinkRecordSchema). */
export function toUplinkRecord(
  message: NormalisedMessage & { family: UplinkFamily },
  receivedAt: number,
): UplinkRecord {
  return {
    schemaVersion: SCHEMA_VERSION,
    gatewaySn: message.gatewaySn,
    family: message.family,
    method: message.method,
    // osd / state pushes without ids come out of the normaliser as '': null says "none sent".
    tid: message.tid === '' ? null : message.tid,
    bid: message.bid === '' ? null : message.bid,
    timestamp: message.timestamp === null ? null : Math.trunc(message.timestamp),
    needReply: message.needReply,
    known: message.known,
    receivedAt,
    ...(message.gateway === undefined ? {} : { gateway: message.gateway }),
    ...(message.flags.length === 0 ? {} : { flags: [...message.flags] }),
    data: message.data,
  };
}

export interface RejectedInput {
  readonly topic: string;
  readonly payload: Buffer;
  readonly receivedAt: number;
  readonly failure: ValidationFailure;
  /** The SN read from the topic, when it had a valid one. */
  readonly gatewaySn?: string;
  /** Raw bytes kept beyond this are cut (the record must fit in a Kafka request). */
  readonly maxRawBytes: number;
}

/** The Kafka value of refused input: raw payload (base64), topic and reason. */
export function toDeadLetterRecord(input: RejectedInput): DeadLetterRecord {
  const truncated = input.payload.length > input.maxRawBytes;
  const kept = truncated ? input.payload.subarray(0, input.maxRawBytes) : input.payload;
  return {
    schemaVersion: SCHEMA_VERSION,
    receivedAt: input.receivedAt,
    topic: input.topic,
    reason: {
      path: input.failure.path,
      rule: input.failure.rule,
      message: input.failure.message,
      ...(input.failure.received === undefined ? {} : { received: input.failure.received }),
    },
    payloadBase64: kept.toString('base64'),
    size: input.payload.length,
    ...(truncated ? { truncated: true } : {}),
    ...(input.gatewaySn === undefined ? {} : { gatewaySn: input.gatewaySn }),
  };
}
