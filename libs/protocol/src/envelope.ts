import { addFlag, FlagSink } from './flags';
import { decodeJsonObject, PayloadLimits } from './json-payload';
import { TopicFamily } from './topics';
import { Decoded, invalid, valid } from './validation/decoded';

/** The envelope as it travels on the wire (what we publish; docks send variations of it). */
export interface WireEnvelope<D = unknown> {
  readonly tid: string;
  readonly bid: string;
  readonly timestamp: number;
  readonly method?: string;
  readonly data: D;
  readonly need_reply?: boolean | 0 | 1;
  readonly gateway?: string;
}

/** The envelope after leniency has been applied: one type per field, whatever the dock sent. */
export interface EnvelopeFields {
  readonly tid: string;
  readonly bid: string;
  /** ms since epoch; null when the message had none (flag `timestamp_missing`). */
  readonly timestamp: number | null;
  /** null on osd / state pushes, which carry none. */
  readonly method: string | null;
  readonly needReply: boolean;
  readonly gateway?: string;
  /** Untouched: method-specific validators give it its canonical shape. */
  readonly data: unknown;
}

/**
 * Which families must be correlatable. Events need tid/bid to be answered, replies need tid to
 * be matched to the pending command, requests and update_topo must be answered. osd/state
 * pushes are fire-and-forget: a missing tid/bid becomes `''` (unless a state asks for a reply).
 */
const CORRELATED: Readonly<Record<TopicFamily, boolean>> = {
  services: true,
  services_reply: true,
  events: true,
  events_reply: true,
  requests: true,
  requests_reply: true,
  osd: false,
  state: false,
  state_reply: true,
  status: true,
  status_reply: true,
};

/** osd / state pushes (and state_reply, which mirrors them) carry no method. */
const METHOD_OPTIONAL: ReadonlySet<TopicFamily> = new Set(['osd', 'state', 'state_reply']);

export const MAX_ID_LENGTH = 256;
const MAX_METHOD_LENGTH = 128;

/**
 * Reads the envelope of an already-decoded JSON object.
 * Decisions (each from the spec README traps or the recording):
 * - `"timestamp:"` (trap 1) is read when `timestamp` is absent; flag `timestamp_colon_key`.
 * - no timestamp at all is accepted as null (flag): a dock with a bad clock should still be
 *   heard; the gateway may substitute its receive time. A non-number timestamp is refused.
 * - `need_reply` true/1 (trap 9) -> true; false/0/absent/null -> false; "1"/"0" strings too.
 * - tid must be a non-empty string wherever a reply or a match depends on it; bid must be a
 *   string there (it may be a flight id, `T-FIXTURE-001`, not only a UUID).
 */
export function readEnvelope(
  message: Record<string, unknown>,
  family: TopicFamily,
  flags: FlagSink,
): Decoded<EnvelopeFields> {
  const needReply = readNeedReply(message.need_reply);
  if (!needReply.ok) return needReply;

  const correlated = CORRELATED[family] || needReply.value;
  const tid = readId(message.tid, 'tid', correlated, false);
  if (!tid.ok) return tid;
  const bid = readId(message.bid, 'bid', correlated, true);
  if (!bid.ok) return bid;

  const timestamp = readTimestamp(message, flags);
  if (!timestamp.ok) return timestamp;

  const method = readMethod(message.method, !METHOD_OPTIONAL.has(family));
  if (!method.ok) return method;

  const gateway = message.gateway;
  if (gateway !== undefined && typeof gateway !== 'string') {
    return invalid('gateway', 'string', gateway);
  }

  return valid({
    tid: tid.value,
    bid: bid.value,
    timestamp: timestamp.value,
    method: method.value,
    needReply: needReply.value,
    ...(gateway === undefined ? {} : { gateway }),
    data: message.data,
  });
}

/** Decodes a raw payload and reads its envelope: the entry point when only the envelope matters. */
export function parseEnvelope(
  payload: Buffer | string,
  family: TopicFamily,
  limits: PayloadLimits = {},
): Decoded<EnvelopeFields & { readonly flags: FlagSink }> {
  const json = decodeJsonObject(payload, limits);
  if (!json.ok) return json;
  const flags: FlagSink = [];
  const envelope = readEnvelope(json.value, family, flags);
  if (!envelope.ok) return envelope;
  return valid({ ...envelope.value, flags });
}

function readId(
  value: unknown,
  path: 'tid' | 'bid',
  required: boolean,
  emptyAllowed: boolean,
): Decoded<string> {
  if (value === undefined && !required) return valid('');
  const rule = emptyAllowed
    ? `string of at most ${MAX_ID_LENGTH} characters`
    : `non-empty string of at most ${MAX_ID_LENGTH} characters`;
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH) return invalid(path, rule, value);
  if (!emptyAllowed && value.length === 0) return invalid(path, rule, value);
  return valid(value);
}

function readTimestamp(message: Record<string, unknown>, flags: FlagSink): Decoded<number | null> {
  let key = 'timestamp';
  let value = message.timestamp;
  if (value === undefined && message['timestamp:'] !== undefined) {
    key = 'timestamp:';
    value = message['timestamp:'];
    addFlag(flags, 'timestamp_colon_key');
  }
  if (value === undefined) {
    addFlag(flags, 'timestamp_missing');
    return valid(null);
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return invalid(key, 'non-negative number (ms since epoch)', value);
  }
  return valid(value);
}

function readMethod(value: unknown, required: boolean): Decoded<string | null> {
  if (value === undefined && !required) return valid(null);
  const rule = `non-empty string of at most ${MAX_METHOD_LENGTH} characters`;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_METHOD_LENGTH) {
    return invalid('method', rule, value);
  }
  return valid(value);
}

function readNeedReply(value: unknown): Decoded<boolean> {
  switch (value) {
    case true:
    case 1:
    case '1':
    case 'true':
      return valid(true);
    case undefined:
    case null:
    case false:
    case 0:
    case '0':
    case 'false':
      return valid(false);
    default:
      return invalid('need_reply', 'boolean or 0/1', value);
  }
}
