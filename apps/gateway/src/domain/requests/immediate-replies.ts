import {
  buildRequestsReply,
  ConfigReplyData,
  parseEnvelope,
  parseTopic,
  REQUEST_METHODS,
  REQUEST_NOT_SUPPORTED_RESULT,
  requestFailureResult,
  requestRoute,
  RequestsReplyData,
} from '@dock/protocol';

/**
 * The requests the gateway answers at once, without Kafka or a pending entry: `config` (from
 * its own settings), requests no service answers ("not supported"), and requests it could not
 * read but can still reply to (an error result). A dock always gets a requests_reply, and
 * never waits for one no one will send.
 */

/** The gateway's `config` settings (gateway.config.ts: DJI_APP_*, NTP_SERVER_*). */
export interface DockConfigSettings {
  readonly appId?: string;
  readonly appKey?: string;
  readonly appLicense?: string;
  readonly ntpServerHost?: string;
  readonly ntpServerPort: number;
}

/** How a request ended, for the `gateway_request_replies_total{method,outcome}` metric. */
export type RequestOutcome =
  /** answered by the gateway itself (config) */
  | 'gateway'
  /** the answering service's answer was sent */
  | 'service'
  /** no service answers this method: REQUEST_NOT_SUPPORTED_RESULT */
  | 'not_supported'
  /** the request could not be read: the method's failure result */
  | 'malformed'
  /** the service did not answer by the deadline: the method's failure result */
  | 'unanswered'
  /** the service's answer was refused by the protocol: the method's failure result */
  | 'answer_refused';

export interface RequestReply {
  readonly topic: string;
  readonly payload: string;
  readonly method: string;
  readonly outcome: RequestOutcome;
}

export type RequestDecision =
  /** A service answers it: record it as pending and wait (request-answerer.ts). */
  { readonly kind: 'forward' } | { readonly kind: 'reply'; readonly reply: RequestReply };

/** What a request reply needs from the request (a NormalisedMessage satisfies it). */
export interface RequestTarget {
  readonly gatewaySn: string;
  readonly tid: string;
  readonly bid: string;
  readonly method: string | null;
}

/**
 * The config reply: the licence as configured (empty strings when unset: the dock, not the
 * gateway, refuses it, and the operator was warned at start), and the NTP server when set.
 */
export function configReplyData(settings: DockConfigSettings): ConfigReplyData {
  return {
    ...(settings.ntpServerHost === undefined
      ? {}
      : { ntp_server_host: settings.ntpServerHost, ntp_server_port: settings.ntpServerPort }),
    app_id: settings.appId ?? '',
    app_key: settings.appKey ?? '',
    app_license: settings.appLicense ?? '',
  };
}

/** The names of the licence settings that are unset (warned about once at start). */
export function missingLicenceSettings(settings: DockConfigSettings): string[] {
  const missing: string[] = [];
  if (!settings.appId) missing.push('DJI_APP_ID');
  if (!settings.appKey) missing.push('DJI_APP_KEY');
  if (!settings.appLicense) missing.push('DJI_APP_LICENSE');
  return missing;
}

/** For a request the protocol library accepted: forward it, or the reply to send at once. */
export function decideRequest(
  request: RequestTarget,
  settings: DockConfigSettings,
  now: number,
): RequestDecision {
  const route = requestRoute(request.method);
  if (route !== undefined && route.answeredBy !== 'gateway') return { kind: 'forward' };
  const reply =
    route === undefined
      ? requestReply(request, now, { result: REQUEST_NOT_SUPPORTED_RESULT }, 'not_supported')
      : requestReply(request, now, configReplyData(settings), 'gateway');
  // The normaliser already required what the builder checks (tid, bid, method), and the data
  // is ours; should the builder still refuse, nothing valid can be sent: forward instead.
  return reply === undefined ? { kind: 'forward' } : { kind: 'reply', reply };
}

/**
 * A request the gateway refused (dead letter) still gets a reply when its envelope is
 * readable: config its config (the dock needs it whatever it asked), any other method its
 * failure result. Without a readable tid there is nothing a dock could match a reply to.
 */
export function replyToRefusedRequest(
  topic: string,
  payload: Buffer,
  settings: DockConfigSettings,
  now: number,
  maxPayloadBytes: number,
): RequestReply | undefined {
  const parsed = parseTopic(topic);
  if (!parsed.ok || parsed.value.family !== 'requests') return undefined;
  const envelope = parseEnvelope(payload, 'requests', { maxPayloadBytes });
  if (!envelope.ok) return undefined;
  const request: RequestTarget = {
    gatewaySn: parsed.value.gatewaySn,
    tid: envelope.value.tid,
    bid: envelope.value.bid,
    method: envelope.value.method,
  };
  if (requestRoute(request.method)?.answeredBy === 'gateway') {
    return requestReply(request, now, configReplyData(settings), 'gateway');
  }
  return requestReply(request, now, { result: requestFailureResult(request.method) }, 'malformed');
}

/** The reply, or why the protocol refused `data` for this request's method. */
export function buildRequestReply(
  request: RequestTarget,
  now: number,
  data: RequestsReplyData,
  outcome: RequestOutcome,
):
  | { readonly ok: true; readonly reply: RequestReply }
  | { readonly ok: false; readonly error: string } {
  const built = buildRequestsReply(request, now, data);
  if (!built.ok) return { ok: false, error: built.error.message };
  return {
    ok: true,
    reply: {
      topic: built.message.topic,
      payload: built.message.payload,
      method: request.method ?? '',
      outcome,
    },
  };
}

export function requestReply(
  request: RequestTarget,
  now: number,
  data: RequestsReplyData,
  outcome: RequestOutcome,
): RequestReply | undefined {
  const built = buildRequestReply(request, now, data, outcome);
  return built.ok ? built.reply : undefined;
}

const KNOWN_REQUESTS: ReadonlySet<string> = new Set(REQUEST_METHODS);

/** The metric's method label: the protocol's request methods, `other` for the rest (bounded). */
export function methodLabel(method: string): string {
  return KNOWN_REQUESTS.has(method) ? method : 'other';
}
