import { WireEnvelope } from './envelope';
import { FlagSink } from './flags';
import { ConfigReplyData } from './methods/config';
import { FlighttaskResourceGetReplyData } from './methods/flighttask-resource';
import { BindingReplyDataMap } from './methods/organization-binding';
import { findDataValidator } from './methods/registry';
import { ServiceMethod } from './methods/method-names';
import { resultCode } from './methods/reply-validators';
import { ResultOnlyData, ServiceDataMap } from './methods/service-types';
import { SERVICE_DATA_VALIDATORS } from './methods/service-validators';
import { buildTopic, TopicFamily } from './topics';
import { epochMillis13, isRecord, nonEmptyString } from './validation/checks';
import { Decoded, Invalid, invalid, ValidationFailure } from './validation/decoded';

/**
 * Messages the cloud publishes. Pure: the caller supplies tid and timestamp (no randomness or
 * clock in here), and gets either a ready-to-publish message or the reason it was refused.
 */

export interface OutboundMessage<D = unknown> {
  readonly topic: string;
  readonly envelope: WireEnvelope<D>;
  /** JSON text of `envelope`, ready for mqtt.publish. */
  readonly payload: string;
}

export type BuildResult<D = unknown> =
  | { readonly ok: true; readonly message: OutboundMessage<D> }
  | { readonly ok: false; readonly error: ValidationFailure };

export interface ServiceCommand<M extends ServiceMethod> {
  readonly gatewaySn: string;
  /** Fresh per command: the services_reply is matched to it. */
  readonly tid: string;
  /** The business flow's id (e.g. the flight id), shared by all messages of the flow. */
  readonly bid: string;
  readonly timestamp: number;
  readonly method: M;
  readonly data: ServiceDataMap[M];
}

/** What a reply needs from the message it answers; a NormalisedMessage satisfies it. */
export interface ReplyTarget {
  readonly gatewaySn: string;
  readonly tid: string;
  readonly bid: string;
  readonly method: string | null;
  /** When given, checked against the family the reply answers (catches crossed wires). */
  readonly family?: TopicFamily;
}

/**
 * requests_reply data: flighttask_resource_get's, config's (not wrapped in result), the binding
 * methods', or `{result, output?}` for other requests (a "not supported" refusal).
 */
export type RequestsReplyData =
  | FlighttaskResourceGetReplyData
  | ConfigReplyData
  | BindingReplyDataMap[keyof BindingReplyDataMap]
  | { readonly result: number; readonly output?: unknown };

const ID = nonEmptyString(256);

/** A command on thing/product/{gw}/services, its data checked by the strict validators. */
export function buildServiceCommand<M extends ServiceMethod>(
  command: ServiceCommand<M>,
): BuildResult<ServiceDataMap[M]> {
  if (!Object.hasOwn(SERVICE_DATA_VALIDATORS, command.method)) {
    return invalid('method', 'a service method of this library', command.method);
  }
  const idFailure = checkIds(command.tid, command.bid, command.timestamp);
  if (idFailure) return idFailure;
  const validator = SERVICE_DATA_VALIDATORS[command.method];
  const flags: FlagSink = [];
  const data = validator(command.data, flags);
  if (!data.ok) return data;
  return publishable(command.gatewaySn, 'services', {
    tid: command.tid,
    bid: command.bid,
    timestamp: command.timestamp,
    method: command.method,
    data: data.value as ServiceDataMap[M],
  });
}

/** events_reply: same tid / bid / method as the event, `data: {result}`. */
export function buildEventsReply(
  event: ReplyTarget,
  timestamp: number,
  result = 0,
): BuildResult<ResultOnlyData> {
  return buildResultReply(event, 'events', 'events_reply', timestamp, result);
}

/** status_reply for update_topo: `{tid, bid, timestamp, method: "update_topo", data: {result}}`. */
export function buildStatusReply(
  status: ReplyTarget,
  timestamp: number,
  result = 0,
): BuildResult<ResultOnlyData> {
  return buildResultReply(status, 'status', 'status_reply', timestamp, result);
}

/** state_reply for a state push with need_reply; carries a method only if the push had one. */
export function buildStateReply(
  state: ReplyTarget,
  timestamp: number,
  result = 0,
): BuildResult<ResultOnlyData> {
  return buildResultReply(state, 'state', 'state_reply', timestamp, result);
}

/**
 * requests_reply. For flighttask_resource_get, `data` is `{result: 0, output: {file: {url,
 * fingerprint}}}` (url: a fresh expiring KMZ URL; fingerprint: MD5 of the file bytes) or
 * `{result: <code>}` to refuse. `config` takes its fields straight in `data` (no result); the
 * binding methods their `{result, output}` (organization-binding.ts). Methods this library does
 * not model need at least `{result}`.
 */
export function buildRequestsReply(
  request: ReplyTarget,
  timestamp: number,
  data: RequestsReplyData,
): BuildResult<RequestsReplyData> {
  const target = checkTarget(request, 'requests', timestamp, true);
  if (target) return target;
  const validator =
    request.method === null ? undefined : findDataValidator('requests_reply', request.method);
  const checked = validator ? validator(data, []) : checkResultData(data);
  if (!checked.ok) return checked;
  return publishable(request.gatewaySn, 'requests_reply', {
    tid: request.tid,
    bid: request.bid,
    timestamp,
    ...(request.method === null ? {} : { method: request.method }),
    data,
  });
}

function buildResultReply(
  target: ReplyTarget,
  answers: TopicFamily,
  family: TopicFamily,
  timestamp: number,
  result: number,
): BuildResult<ResultOnlyData> {
  // state pushes carry no method; every other family must name the method it answers.
  const failure = checkTarget(target, answers, timestamp, answers !== 'state');
  if (failure) return failure;
  const resultFailure = resultCode(result, 'data.result');
  if (resultFailure) return resultFailure;
  return publishable(target.gatewaySn, family, {
    tid: target.tid,
    bid: target.bid,
    timestamp,
    ...(target.method === null ? {} : { method: target.method }),
    data: { result },
  });
}

function checkTarget(
  target: ReplyTarget,
  answers: TopicFamily,
  timestamp: number,
  methodRequired: boolean,
): Invalid | null {
  if (target.family !== undefined && target.family !== answers) {
    return invalid('family', `a message on ${answers}`, target.family);
  }
  if (methodRequired || target.method !== null) {
    const method = ID(target.method, 'method');
    if (method) return method;
  }
  return checkIds(target.tid, target.bid, timestamp);
}

/** tid and bid non-empty; timestamp in ms (13 digits), which also catches seconds by mistake. */
function checkIds(tid: unknown, bid: unknown, timestamp: unknown): Invalid | null {
  return ID(tid, 'tid') ?? ID(bid, 'bid') ?? epochMillis13(timestamp, 'timestamp');
}

function checkResultData(data: unknown): Decoded<unknown> {
  if (!isRecord(data)) return invalid('data', 'object', data);
  return resultCode(data.result, 'data.result') ?? { ok: true, value: data };
}

function publishable<D>(
  gatewaySn: string,
  family: TopicFamily,
  envelope: WireEnvelope<D>,
): BuildResult<D> {
  const topic = buildTopic(gatewaySn, family);
  if (!topic.ok) return topic;
  return { ok: true, message: { topic: topic.value, envelope, payload: JSON.stringify(envelope) } };
}
