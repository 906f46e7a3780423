import { buildTopic } from '@dock/protocol';
import { Outbound } from './outbound';

/**
 * Outbound values to MQTT messages, shaped like the recorded Dock 3: `gateway` on what the dock
 * originates, `need_reply` as 0/1, nested progress. With quirks, the traps of the spec README
 * (`../shared/spec/README.md`, "Traps") are sent too, varied by `seq` so one run has both forms.
 */

export interface WireMessage {
  readonly topic: string;
  readonly payload: string;
  readonly qos: 0 | 1;
}

/** Replies to these carry need_reply: true in the spec's examples (trap 7). */
const REPLIES_WITH_NEED_REPLY = new Set([
  'flighttask_pause',
  'flighttask_recovery',
  'return_home_cancel',
]);

export function encodeUplink(
  sn: string,
  message: Outbound,
  options: { readonly quirks: boolean; readonly seq: number },
): WireMessage {
  const topic = buildTopic(sn, message.family);
  if (!topic.ok) throw new Error(`cannot publish for dock ${sn}: ${topic.error.message}`);
  const envelope = options.quirks ? quirky(sn, message, options.seq) : plainEnvelope(sn, message);
  return {
    topic: topic.value,
    payload: JSON.stringify(envelope),
    qos: message.family === 'osd' ? 0 : 1,
  };
}

function plainEnvelope(sn: string, message: Outbound): Record<string, unknown> {
  const envelope: Record<string, unknown> = {
    bid: message.bid,
    tid: message.tid,
    timestamp: message.timestamp,
    data: message.data,
  };
  if (message.method !== null) envelope.method = message.method;
  if (message.family === 'events') {
    // The Dock 3 sends need_reply 0 on progress and omits it on return_home_info.
    if (message.needReply) envelope.need_reply = 1;
    else if (message.method === 'flighttask_progress') envelope.need_reply = 0;
  }
  if (message.family !== 'services_reply') envelope.gateway = sn;
  return envelope;
}

function quirky(sn: string, message: Outbound, seq: number): Record<string, unknown> {
  const envelope = plainEnvelope(sn, message);
  const method = message.method;

  // Trap 9: need_reply as true as well as 1.
  if (envelope.need_reply === 1 && seq % 2 === 0) envelope.need_reply = true;
  // Trap 7: pause / recovery (and return_home_cancel) replies carry need_reply: true.
  if (
    message.family === 'services_reply' &&
    method !== null &&
    REPLIES_WITH_NEED_REPLY.has(method)
  ) {
    envelope.need_reply = true;
  }

  if (message.family === 'events' && isRecord(message.data)) {
    if (method === 'device_exit_homing_notify') {
      // Traps 2 and 3 as in the spec example: reason as a string, an unlisted `sn`.
      envelope.data = { ...message.data, reason: String(message.data.reason), sn };
      envelope.need_reply = true;
    } else if (method === 'flighttask_progress') {
      envelope.data = quirkyProgress(message.data, seq);
    } else if (method === 'return_home_info' && message.data.last_point_type !== undefined) {
      envelope.data = { ...message.data, last_point_type: String(message.data.last_point_type) };
    }
  }

  // Trap 1: `"timestamp:"`, always where the spec example has it, now and then elsewhere.
  if (method === 'device_exit_homing_notify' || (message.family !== 'osd' && seq % 7 === 0)) {
    envelope['timestamp:'] = envelope.timestamp;
    delete envelope.timestamp;
  }
  return envelope;
}

/** Trap 4 (flat shape, every other report) and trap 2 (enum ints as strings, every third). */
function quirkyProgress(data: Record<string, unknown>, seq: number): Record<string, unknown> {
  const output = isRecord(data.output) ? data.output : {};
  let progress = output.progress;
  let ext = output.ext;
  if (seq % 3 === 0 && isRecord(progress) && isRecord(ext)) {
    progress = { ...progress, current_step: String(progress.current_step) };
    ext = { ...ext, wayline_mission_state: String(ext.wayline_mission_state) };
  }
  const body = { ...output, progress, ext };
  if (seq % 2 === 1) {
    // The flat form has no result of its own: only a failure needs one.
    return data.result === 0 ? body : { ...body, result: data.result };
  }
  return { ...data, output: body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
