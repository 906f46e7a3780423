import { decodeRecordValue, requestReplyRecordSchema, RequestReplyRecord } from '@dock/contracts';
import {
  RESOURCE_UNAVAILABLE_RESULT,
  requestFailureResult,
  RequestsReplyData,
} from '@dock/protocol';
import { PendingRequest } from '../pending/pending-entries';
import { buildRequestReply, RequestReply, requestReply } from './immediate-replies';

/** flighttask_resource_get's failure (314013); other methods: REQUEST_ROUTES in @dock/protocol. */
export const REQUEST_UNANSWERED_RESULT = RESOURCE_UNAVAILABLE_RESULT;

export type DecodedRequestReply =
  | { readonly ok: true; readonly reply: RequestReplyRecord }
  | { readonly ok: false; readonly error: string };

export function decodeRequestReply(value: Buffer | null): DecodedRequestReply {
  const decoded = decodeRecordValue(value, requestReplyRecordSchema);
  return decoded.ok ? { ok: true, reply: decoded.value } : { ok: false, error: decoded.error };
}

export interface RequestsReplyMessage extends RequestReply {
  /** false when the answer was refused by the protocol's checks and a failure was sent instead. */
  readonly asAnswered: boolean;
  readonly error?: string;
}

/**
 * requests_reply for a pending request: the service's data when the protocol accepts it for
 * the method (`output.file.{url, fingerprint}` for flighttask_resource_get, `output.bind_status`
 * for airport_bind_status...), otherwise the method's failure result (REQUEST_ROUTES in
 * @dock/protocol: 314013 for the KMZ URL, 210231 for binding), so a broken or missing answer
 * still reaches the dock as an error rather than as nothing.
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
  const failure = { result: requestFailureResult(pending.method) };
  if (data === undefined) {
    const unanswered = requestReply(target, now, failure, 'unanswered');
    return unanswered && { ...unanswered, asAnswered: false };
  }
  const answered = buildRequestReply(target, now, data, 'service');
  if (answered.ok) return { ...answered.reply, asAnswered: true };
  const refused = requestReply(target, now, failure, 'answer_refused');
  return refused && { ...refused, asAnswered: false, error: answered.error };
}
