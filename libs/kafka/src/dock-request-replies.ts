import type { Logger } from 'pino';
import { RequestReplyRecord, UplinkRecord, uplinkRecordSchema } from '@dock/contracts';
import type { ConsumedRecord, OutgoingMessage } from './message-bus';
import { decodeRecord, encodeRecord } from './record-codec';

export interface DockRequestReplySettings {
  /** dock.request-replies. */
  repliesTopic: string;
  /** Requests older than this (by the gateway's receive time) are skipped: the dock gave up. 0: never. */
  maxAgeMs: number;
  /** Written on each reply as answeredBy, e.g. "file". */
  answeredBy: string;
}

/** A dock request (a record of dock.uplink.requests) that this service answers. */
export interface DockRequest {
  readonly uplink: UplinkRecord;
  readonly tid: string;
  readonly method: string;
}

export type SkipReason = 'malformed' | 'not_ours' | 'stale';

export interface DockRequestReplyOptions {
  readonly settings: DockRequestReplySettings;
  /** Whether a request method is this service's to answer (others are skipped quietly). */
  readonly answers: (method: string | null) => boolean;
  /** `<service>_skipped_records_total`, by topic and reason. */
  readonly skipped: { inc(labels: { topic: string; reason: SkipReason }): void };
  readonly logger: Logger;
  readonly nowMs?: () => number;
}

/**
 * The reading and writing every service that answers dock requests shares (the file service's
 * flighttask_resource_get, the registry's binding requests): which consumed records are its
 * requests (malformed, other services' and stale ones are counted, logged and skipped; they
 * never fail the batch), and the request-reply record for each answer, keyed by the dock's SN,
 * with the request's tid and bid (the gateway publishes it on requests_reply).
 */
export class DockRequestReplies {
  private readonly nowMs: () => number;

  constructor(private readonly options: DockRequestReplyOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The request a record holds, if it is one this service answers. */
  requestOf(record: ConsumedRecord): DockRequest | undefined {
    const decoded = decodeRecord(record.message.value, uplinkRecordSchema);
    if (!decoded.ok) {
      this.skip(record, 'malformed', 'warn', { error: decoded.error });
      return undefined;
    }
    const uplink = decoded.value;
    if (uplink.family !== 'requests' || !this.options.answers(uplink.method)) {
      // Another service's request (or another family): not ours to answer.
      this.skip(record, 'not_ours', 'debug', { method: uplink.method, family: uplink.family });
      return undefined;
    }
    if (!uplink.tid) {
      this.skip(record, 'malformed', 'warn', { error: 'request without tid cannot be answered' });
      return undefined;
    }
    const age = this.nowMs() - uplink.receivedAt;
    const { maxAgeMs } = this.options.settings;
    if (maxAgeMs > 0 && age > maxAgeMs) {
      this.skip(record, 'stale', 'warn', { ageMs: age, tid: uplink.tid, dockSn: uplink.gatewaySn });
      return undefined;
    }
    return { uplink, tid: uplink.tid, method: uplink.method as string };
  }

  /**
   * Answers every request of this service among `records`, in order, and sends the replies in
   * one go (so the batch's offsets are committed only once the bus has every reply).
   * `answered` sees each answer (metrics, logs). The answer may be a protocol interface: it is
   * copied into the record's open object.
   */
  async answerAll<D extends { result: number }>(
    records: ConsumedRecord[],
    answer: (request: DockRequest) => Promise<D>,
    send: (replies: { topic: string; message: OutgoingMessage }[]) => Promise<unknown>,
    answered?: (request: DockRequest, data: D, reply: RequestReplyRecord) => void,
  ): Promise<void> {
    const replies: { topic: string; message: OutgoingMessage }[] = [];
    for (const record of records) {
      const request = this.requestOf(record);
      if (!request) continue;
      const data = await answer(request);
      const { record: reply, topic, message } = this.reply(request, { ...data });
      replies.push({ topic, message });
      answered?.(request, data, reply);
    }
    if (replies.length > 0) await send(replies);
  }

  /** The request-reply record answering `request` with `data`. */
  reply(
    request: DockRequest,
    data: RequestReplyRecord['data'],
  ): { topic: string; message: OutgoingMessage; record: RequestReplyRecord } {
    const record: RequestReplyRecord = {
      schemaVersion: 1,
      gatewaySn: request.uplink.gatewaySn,
      tid: request.tid,
      bid: request.uplink.bid ?? '',
      method: request.method,
      data,
      answeredAt: this.nowMs(),
      answeredBy: this.options.settings.answeredBy,
    };
    return {
      topic: this.options.settings.repliesTopic,
      message: encodeRecord(record.gatewaySn, record, {
        tid: record.tid,
        bid: record.bid,
        method: record.method,
      }),
      record,
    };
  }

  private skip(
    record: ConsumedRecord,
    reason: SkipReason,
    level: 'warn' | 'debug',
    detail: Record<string, unknown>,
  ): void {
    this.options.skipped.inc({ topic: record.topic, reason });
    this.options.logger[level](
      {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        reason,
        ...detail,
      },
      'request record skipped',
    );
  }
}
