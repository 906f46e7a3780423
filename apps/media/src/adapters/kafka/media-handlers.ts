import type { Message } from 'kafkajs';
import type { Logger } from 'pino';
import {
  commandReplyRecordSchema,
  RequestReplyRecord,
  taskEventRecordSchema,
  uplinkRecordSchema,
} from '@dock/contracts';
import { ConsumedRecord, decodeRecord, encodeRecord } from '@dock/kafka';
import {
  EVENT_DATA_VALIDATORS,
  validateStorageConfigGetData,
  type FlighttaskProgressData,
} from '@dock/protocol';
import type { MediaService } from '../../application/media-service';
import type { MediaTopics } from './media-topics';

/** A record this service cannot read: thrown, so the consumer guard dead-letters it (media.dead-letter). */
export class MalformedMediaRecord extends Error {}

export interface MediaHandlerSettings {
  topics: MediaTopics;
  /** Requests older than this (gateway receive time) are skipped: the dock gave up. 0: never. */
  requestMaxAgeMs: number;
}

/**
 * dock.uplink.requests -> storage_config_get answered on dock.request-replies (the gateway
 * publishes it on requests_reply). Other methods are other services'. Offsets commit once
 * Kafka has every reply.
 */
export class StorageRequestHandler {
  constructor(
    private readonly media: MediaService,
    private readonly send: (records: { topic: string; message: Message }[]) => Promise<void>,
    private readonly settings: MediaHandlerSettings,
    private readonly logger: Logger,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    const replies: { topic: string; message: Message }[] = [];
    for (const record of records) {
      const decoded = decodeRecord(record.message.value, uplinkRecordSchema);
      if (!decoded.ok) throw new MalformedMediaRecord(`not an uplink record: ${decoded.error}`);
      const uplink = decoded.value;
      if (uplink.method !== 'storage_config_get' || uplink.family !== 'requests') continue;
      if (!uplink.tid) continue;
      const age = this.nowMs() - uplink.receivedAt;
      if (this.settings.requestMaxAgeMs > 0 && age > this.settings.requestMaxAgeMs) {
        this.logger.warn(
          { dockSn: uplink.gatewaySn, tid: uplink.tid, ageMs: age },
          'stale storage_config_get skipped',
        );
        continue;
      }
      const data = validateStorageConfigGetData(uplink.data, []);
      const answer = data.ok
        ? await this.media.storageConfig(uplink.gatewaySn, data.value)
        : { result: 317001 };
      const reply: RequestReplyRecord = {
        schemaVersion: 1,
        gatewaySn: uplink.gatewaySn,
        tid: uplink.tid,
        bid: uplink.bid ?? '',
        method: 'storage_config_get',
        data: { ...answer },
        answeredAt: this.nowMs(),
        answeredBy: 'media',
      };
      replies.push({
        topic: this.settings.topics.requestReplies,
        message: encodeRecord(reply.gatewaySn, reply, {
          tid: reply.tid,
          bid: reply.bid,
          method: reply.method,
        }),
      });
      // Never the credentials: only who asked and the result.
      this.logger.info(
        { dockSn: uplink.gatewaySn, tid: uplink.tid, result: answer.result },
        'answered storage_config_get',
      );
    }
    if (replies.length > 0) await this.send(replies);
  }
}

/**
 * dock.uplink.events (file_upload_callback, highest_priority_upload_flighttask_media,
 * flighttask_progress), mission.task-events (which flights exist, and whose) and
 * dock.command-replies (prioritize outcomes). One dock's records arrive in order.
 */
export class MediaEventHandler {
  constructor(
    private readonly media: MediaService,
    private readonly settings: MediaHandlerSettings,
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {}

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    let changed = false;
    for (const record of records) {
      if (record.topic === this.settings.topics.taskEvents) {
        const event = decodeRecord(record.message.value, taskEventRecordSchema);
        if (!event.ok) throw new MalformedMediaRecord(`not a task event: ${event.error}`);
        await this.media.taskEvent(event.value);
        changed = true;
        continue;
      }
      if (record.topic === this.settings.topics.commandReplies) {
        const reply = decodeRecord(record.message.value, commandReplyRecordSchema);
        if (!reply.ok) throw new MalformedMediaRecord(`not a command reply: ${reply.error}`);
        await this.media.commandReply(reply.value);
        continue;
      }
      const decoded = decodeRecord(record.message.value, uplinkRecordSchema);
      if (!decoded.ok) throw new MalformedMediaRecord(`not an uplink record: ${decoded.error}`);
      const uplink = decoded.value;
      const at = uplink.timestamp ?? uplink.receivedAt;
      switch (uplink.method) {
        case 'file_upload_callback': {
          const data = EVENT_DATA_VALIDATORS.file_upload_callback(uplink.data, []);
          if (!data.ok) {
            throw new MalformedMediaRecord(
              `file_upload_callback of ${uplink.gatewaySn}: ${data.error.path} ${data.error.message}`,
            );
          }
          const outcome = await this.media.fileUploaded(uplink.gatewaySn, data.value, at);
          this.logger.info(
            {
              dockSn: uplink.gatewaySn,
              tid: uplink.tid,
              flightId: data.value.file.ext.flight_id,
              objectKey: data.value.file.object_key,
              ...outcome,
            },
            `media file ${outcome.outcome}`,
          );
          changed = true;
          break;
        }
        case 'highest_priority_upload_flighttask_media': {
          const data = EVENT_DATA_VALIDATORS.highest_priority_upload_flighttask_media(
            uplink.data,
            [],
          );
          if (!data.ok) throw new MalformedMediaRecord(`highest_priority: ${data.error.message}`);
          if (data.value.flight_id)
            await this.media.uploadFirst(uplink.gatewaySn, data.value.flight_id, at);
          break;
        }
        case 'flighttask_progress': {
          const data = EVENT_DATA_VALIDATORS.flighttask_progress(uplink.data, []);
          if (!data.ok) continue; // the gateway refuses these; telemetry owns progress
          const output = (data.value as FlighttaskProgressData).output;
          const flightId = output?.ext?.flight_id;
          if (typeof flightId !== 'string' || flightId.length === 0) continue;
          await this.media.progress(
            uplink.gatewaySn,
            flightId,
            output?.ext?.media_count,
            output?.status,
            at,
          );
          changed = true;
          break;
        }
        default:
          break;
      }
    }
    if (changed) this.onChange();
  }
}
