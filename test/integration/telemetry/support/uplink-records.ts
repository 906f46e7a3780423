import type { Message } from 'kafkajs';
import { KAFKA_TOPICS, UplinkRecord } from '@dock/contracts';
import { encodeRecord } from '@dock/kafka';
import { normaliseUplink } from '@dock/protocol';

export interface ProducedRecord {
  topic: string;
  message: Message;
}

/**
 * What the gateway writes for one MQTT message: normalised by @dock/protocol, wrapped as the
 * contract's UplinkRecord, keyed by the dock SN with the tid/bid/method headers.
 */
export function uplinkRecord(
  mqttTopic: string,
  payload: unknown,
  receivedAt = Date.now(),
): ProducedRecord {
  const result = normaliseUplink(mqttTopic, JSON.stringify(payload));
  if (!result.ok) throw new Error(`test payload refused: ${result.error.message}`);
  const m = result.message;
  const family = m.family as UplinkRecord['family'];
  const record: UplinkRecord = {
    schemaVersion: 1,
    gatewaySn: m.gatewaySn,
    family,
    method: m.method,
    tid: m.tid,
    bid: m.bid,
    timestamp: m.timestamp,
    needReply: m.needReply,
    known: m.known,
    receivedAt,
    ...(m.gateway === undefined ? {} : { gateway: m.gateway }),
    data: m.data,
  };
  const topic =
    family === 'status'
      ? KAFKA_TOPICS.uplink.status
      : family === 'osd'
        ? KAFKA_TOPICS.uplink.osd
        : KAFKA_TOPICS.uplink.events;
  return {
    topic,
    message: encodeRecord(m.gatewaySn, record, {
      tid: m.tid,
      bid: m.bid,
      method: m.method,
      family,
    }),
  };
}

export const eventsTopic = (sn: string) => `thing/product/${sn}/events`;
export const statusTopic = (sn: string) => `sys/product/${sn}/status`;
export const osdTopic = (sn: string) => `thing/product/${sn}/osd`;

export interface ProgressOptions {
  sn: string;
  flightId: string;
  tid: string;
  timestamp: number;
  status?: string;
  percent?: number;
  step?: number;
  result?: number;
  waypoint?: number;
}

/** A flighttask_progress in the nested shape real docks send (bid = flight id, like Dock 3). */
export function progressPayload(o: ProgressOptions): Record<string, unknown> {
  return {
    bid: o.flightId,
    tid: o.tid,
    timestamp: o.timestamp,
    method: 'flighttask_progress',
    need_reply: 1,
    gateway: o.sn,
    data: {
      result: o.result ?? 0,
      output: {
        status: o.status ?? 'in_progress',
        progress: { current_step: o.step ?? 21, percent: o.percent ?? 50 },
        ext: {
          current_waypoint_index: o.waypoint ?? 0,
          wayline_mission_state: 6,
          wayline_id: 0,
          media_count: 0,
          flight_id: o.flightId,
          track_id: `track-${o.flightId}`,
        },
      },
    },
  };
}
