import type { Message } from 'kafkajs';
import type { Logger } from 'pino';
import { RequestReplyRecord, uplinkRecordSchema, UplinkRecord } from '@dock/contracts';
import { ConsumedRecord, decodeRecord, encodeRecord } from '@dock/kafka';
import {
  FlightResources,
  RESOURCE_UNAVAILABLE_RESULT,
  ResourceReplyData,
} from '../../domain/flights/flight-resources';
import type { FileMetrics } from '../../file-metrics';

export const RESOURCE_GET_METHOD = 'flighttask_resource_get';

export interface ResourceRequestSettings {
  repliesTopic: string;
  /** Requests older than this (by the gateway's receive time) are skipped: the dock gave up. 0: never. */
  maxAgeMs: number;
  /** Written on each reply as answeredBy, e.g. "file". */
  answeredBy: string;
}

/**
 * Answers the docks' flighttask_resource_get requests of one consumed batch: one reply record
 * per request, keyed by the dock's SN, with its tid and bid. Records that are malformed or not
 * ours are logged, counted and skipped; they never fail the batch.
 */
export class ResourceRequestHandler {
  constructor(
    private readonly resources: FlightResources,
    private readonly send: (records: { topic: string; message: Message }[]) => Promise<void>,
    private readonly settings: ResourceRequestSettings,
    private readonly metrics: FileMetrics,
    private readonly logger: Logger,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    const replies: { topic: string; message: Message }[] = [];
    for (const record of records) {
      const request = this.requestOf(record);
      if (!request) continue;
      const data = await this.answer(request.flightId, request.uplink.gatewaySn);
      const reply: RequestReplyRecord = {
        schemaVersion: 1,
        gatewaySn: request.uplink.gatewaySn,
        tid: request.tid,
        bid: request.uplink.bid ?? '',
        method: RESOURCE_GET_METHOD,
        data,
        answeredAt: this.nowMs(),
        answeredBy: this.settings.answeredBy,
      };
      replies.push({
        topic: this.settings.repliesTopic,
        message: encodeRecord(reply.gatewaySn, reply, {
          tid: reply.tid,
          bid: reply.bid,
          method: RESOURCE_GET_METHOD,
        }),
      });
      this.metrics.resourceRequests.inc({ result: String(data.result) });
      this.logger.info(
        {
          dockSn: reply.gatewaySn,
          tid: reply.tid,
          bid: reply.bid,
          flightId: request.flightId,
          result: data.result,
        },
        'answered flighttask_resource_get',
      );
    }
    // The batch's offsets are committed only once Kafka has every reply.
    if (replies.length > 0) await this.send(replies);
  }

  /** Unknown flights and another dock's are answered alike (RESOURCE_UNAVAILABLE_RESULT). */
  private async answer(
    flightId: string | undefined,
    gatewaySn: string,
  ): Promise<ResourceReplyData> {
    if (flightId === undefined) return { result: RESOURCE_UNAVAILABLE_RESULT };
    return this.resources.resolve(flightId, gatewaySn);
  }

  private requestOf(
    record: ConsumedRecord,
  ): { uplink: UplinkRecord; tid: string; flightId: string | undefined } | undefined {
    const decoded = decodeRecord(record.message.value, uplinkRecordSchema);
    if (!decoded.ok) {
      this.skip(record, 'malformed', 'warn', { error: decoded.error });
      return undefined;
    }
    const uplink = decoded.value;
    if (uplink.family !== 'requests' || uplink.method !== RESOURCE_GET_METHOD) {
      // Another service's request (or another family): not ours to answer.
      this.skip(record, 'not_ours', 'debug', { method: uplink.method, family: uplink.family });
      return undefined;
    }
    if (!uplink.tid) {
      this.skip(record, 'malformed', 'warn', { error: 'request without tid cannot be answered' });
      return undefined;
    }
    const age = this.nowMs() - uplink.receivedAt;
    if (this.settings.maxAgeMs > 0 && age > this.settings.maxAgeMs) {
      this.skip(record, 'stale', 'warn', { ageMs: age, tid: uplink.tid, dockSn: uplink.gatewaySn });
      return undefined;
    }
    return { uplink, tid: uplink.tid, flightId: flightIdOf(uplink.data) };
  }

  private skip(
    record: ConsumedRecord,
    reason: 'malformed' | 'not_ours' | 'stale',
    level: 'warn' | 'debug',
    detail: Record<string, unknown>,
  ): void {
    this.metrics.skippedRecords.inc({ topic: record.topic, reason });
    this.logger[level](
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

function flightIdOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const flightId = (data as { flight_id?: unknown }).flight_id;
  return typeof flightId === 'string' && flightId.length > 0 ? flightId : undefined;
}
