import { EnvelopeFields, readEnvelope } from './envelope';
import { addFlag, FlagSink, NO_FLAGS, NormaliseFlag } from './flags';
import { decodeJsonObject, PayloadLimits } from './json-payload';
import { DownlinkDataMap, findDataValidator, UplinkDataMap } from './methods/registry';
import { Direction, parseTopic, ParsedTopic, TopicFamily } from './topics';
import { invalid, ValidationFailure } from './validation/decoded';

export interface NormaliseOptions extends PayloadLimits {
  /** Attach the parsed JSON object as `raw` (for archiving / debugging; costs nothing extra). */
  readonly keepRaw?: boolean;
}

interface MessageBase {
  readonly gatewaySn: string;
  readonly direction: Direction;
  readonly tid: string;
  readonly bid: string;
  /** ms since epoch; null when the message carried none (flag `timestamp_missing`). */
  readonly timestamp: number | null;
  readonly needReply: boolean;
  /** The payload's own `gateway` field, when sent. */
  readonly gateway?: string;
  /** Traps accepted on the way in; empty for a textbook message. */
  readonly flags: readonly NormaliseFlag[];
  readonly raw?: unknown;
}

type KnownMessages<DataMap, D extends Direction> = {
  [F in keyof DataMap]: {
    [M in keyof DataMap[F]]: MessageBase & {
      readonly family: F;
      readonly direction: D;
      readonly method: M;
      /** We know this method and `data` has its canonical shape. */
      readonly known: true;
      readonly data: DataMap[F][M];
    };
  }[keyof DataMap[F]];
}[keyof DataMap];

/** A recognised uplink message: narrow with `known`, `family` and `method`. */
export type KnownUplinkMessage = KnownMessages<UplinkDataMap, 'up'>;
/** A recognised downlink message (our commands and replies, or a real cloud's). */
export type KnownDownlinkMessage = KnownMessages<DownlinkDataMap, 'down'>;

/**
 * Everything else: methods we do not model (`hms`, `airsense_warning`, camera commands...) and
 * method-less osd / state pushes. `data` is exactly what was sent, arrays included.
 */
export interface UnrecognisedMessage extends MessageBase {
  readonly family: TopicFamily;
  readonly method: string | null;
  readonly known: false;
  readonly data: unknown;
}

export type NormalisedMessage = KnownUplinkMessage | KnownDownlinkMessage | UnrecognisedMessage;

/** e.g. `MessageOf<'events', 'flighttask_progress'>` */
export type MessageOf<F extends TopicFamily, M extends string> = Extract<
  KnownUplinkMessage | KnownDownlinkMessage,
  { readonly family: F; readonly method: M }
>;

export type NormaliseResult =
  | { readonly ok: true; readonly message: NormalisedMessage }
  | { readonly ok: false; readonly error: ValidationFailure };

/**
 * The gateway's single entry point for everything a dock publishes. Never throws: every
 * failure, hostile input included, comes back as `{ok: false, error}`.
 */
export function normaliseUplink(
  topic: string,
  payload: Buffer | string,
  options?: NormaliseOptions,
): NormaliseResult {
  return normalise(topic, payload, 'up', options);
}

/**
 * Same for messages travelling down (services, events_reply, requests_reply, status_reply,
 * state_reply): for auditing traffic, replaying recordings and round-tripping our builders.
 * Known commands get the strict downlink validators (rth_altitude, execute_time...), with the
 * leniencies a real cloud needed (`data: ""` for return_home, `flight_ids: [""]` for pause).
 */
export function normaliseDownlink(
  topic: string,
  payload: Buffer | string,
  options?: NormaliseOptions,
): NormaliseResult {
  return normalise(topic, payload, 'down', options);
}

function normalise(
  topic: unknown,
  payload: unknown,
  direction: Direction,
  options: NormaliseOptions = {},
): NormaliseResult {
  try {
    return normaliseUnguarded(topic, payload, direction, options);
  } catch (error) {
    // Defence in depth: the validators are written not to throw, but a bug must cost one
    // message, never the MQTT consumer loop.
    return invalid('payload', 'a message the normaliser can process', String(error));
  }
}

function normaliseUnguarded(
  topic: unknown,
  payload: unknown,
  direction: Direction,
  options: NormaliseOptions,
): NormaliseResult {
  const parsedTopic = parseTopic(topic);
  if (!parsedTopic.ok) return parsedTopic;
  if (parsedTopic.value.direction !== direction) {
    return invalid('topic', `${direction === 'up' ? 'an uplink' : 'a downlink'} topic`, topic);
  }

  const json = decodeJsonObject(payload, options);
  if (!json.ok) return json;

  const flags: FlagSink = [];
  const envelope = readEnvelope(json.value, parsedTopic.value.family, flags);
  if (!envelope.ok) return envelope;
  if (
    envelope.value.gateway !== undefined &&
    envelope.value.gateway !== parsedTopic.value.gatewaySn
  ) {
    addFlag(flags, 'gateway_mismatch');
  }

  const validator =
    envelope.value.method === null
      ? undefined
      : findDataValidator(parsedTopic.value.family, envelope.value.method);
  let data = envelope.value.data;
  if (validator) {
    const checked = validator(data, flags);
    if (!checked.ok) return checked;
    data = checked.value;
  }

  const message = assemble(parsedTopic.value, envelope.value, data, validator !== undefined, flags);
  return {
    ok: true,
    message: options.keepRaw ? { ...message, raw: json.value } : message,
  };
}

function assemble(
  topic: ParsedTopic,
  envelope: EnvelopeFields,
  data: unknown,
  known: boolean,
  flags: FlagSink,
): NormalisedMessage {
  const message = {
    gatewaySn: topic.gatewaySn,
    family: topic.family,
    direction: topic.direction,
    method: envelope.method,
    tid: envelope.tid,
    bid: envelope.bid,
    timestamp: envelope.timestamp,
    needReply: envelope.needReply,
    ...(envelope.gateway === undefined ? {} : { gateway: envelope.gateway }),
    data,
    known,
    flags: flags.length === 0 ? NO_FLAGS : flags,
  };
  // The registry picked the validator from (family, method), so when `known` is true the data
  // has that pair's canonical type: this is the one place that correlation is asserted.
  return message as NormalisedMessage;
}
