import { decodeRecordValue, requestReplyRecordSchema, RequestReplyRecord } from '@dock/contracts';
import { buildRequestsReply, RequestsReplyData } from '@dock/protocol';
import { PendingRequest } from '../pending/pending-entries';

/**
 * The result a dock gets when no service answered its request in time, or when the answer could
 * not be sent as it was: 314013 is the documented "could not get the KMZ URL" of
 * flighttask_resource_get (the only request the protocol has), so the dock fails the step
 * with a code its operator can look up instead of waiting in silence.
 */
export const REQUEST_UNANSWERED_RESULT = 314013;

export type DecodedRequestReply =
  | { readonly ok: true; readonly reply: RequestReplyRecord }
  | { readonly ok: false; readonly error: string };

export function decodeRequestReply(value: Buffer | null): DecodedRequestReply {
  const decoded = decodeRecordValue(value, requestReplyRecordSchema);
  return decoded.ok ? { ok: true, reply: decoded.value } : { ok: false, error: decoded.error };
}

export interface RequestsReplyMessage {
  readonly topic: string;
  readonly payload: string;
  /** false when the answer was refused by the protocol's checks and a failure was sent instead. */
  readonly asAnswered: boolean;
  readonly error?: string;
}

/**
 * requests_reply for a pending request: the service's data when the protocol accepts it
 * (`data.output.file.{url, fingerprint}` for flighttask_resource_get), otherwise a failure
 * result, so a broken answer still reaches the dock as an error rather than as nothing.
 */
export function requestsReplyFor(
  pending: PendingRequest,
  data: RequestsReplyData | undefined,
  now: number,
): RequestsReplyMessage | undefined {
  const target = {
    gatewaySn: pending.gatewaySn,
    tid: pending.tid,
    bid: pending.bid,
    method: pending.method,
  };
  if (data !== undefined) {
    const built = buildRequestsReply(target, now, data);
    if (built.ok)
      return { topic: built.message.topic, payload: built.message.payload, asAnswered: true };
    const fallback = buildRequestsReply(target, now, { result: REQUEST_UNANSWERED_RESULT });
    return fallback.ok
      ? {
          topic: fallback.message.topic,
          payload: fallback.message.payload,
          asAnswered: false,
          error: built.error.message,
        }
      : undefined;
  }
  const failure = buildRequestsReply(target, now, { result: REQUEST_UNANSWERED_RESULT });
  return failure.ok
    ? { topic: failure.message.topic, payload: failure.message.payload, asAnswered: false }
    : undefined;
}
