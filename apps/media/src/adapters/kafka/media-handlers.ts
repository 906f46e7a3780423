import type { Logger } from 'pino';
import {
  commandReplyRecordSchema,
  taskEventRecordSchema,
  uplinkRecordSchema,
} from '@dock/contracts';
import { ConsumedRecord, decodeRecord, DockRequestReplies, OutgoingMessage } from '@dock/kafka';
import {
  EVENT_DATA_VALIDATORS,
  STORAGE_UNAVAILABLE_RESULT,
  validateStorageConfigGetData,
  type FlighttaskProgressData,
} from '@dock/protocol';
import type { MediaMetrics } from '../../media-metrics';
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
 * publishes it on requests_reply), read and written with the shared DockRequestReplies. Other
 * methods are other services'. Offsets commit once Kafka has every reply. The credentials are
 * never logged: only who asked and the result.
 */
export class StorageRequestHandler {
  private readonly replies: DockRequestReplies;

  constructor(
    private readonly media: MediaService,
    private readonly send: (
      records: { topic: string; message: OutgoingMessage }[],
    ) => Promise<void>,
    settings: MediaHandlerSettings,
    private readonly metrics: MediaMetrics,
    private readonly logger: Logger,
    nowMs: () => number = Date.now,
  ) {
    this.replies = new DockRequestReplies({
      settings: {
        repliesTopic: settings.topics.requestReplies,
        maxAgeMs: settings.requestMaxAgeMs,
        answeredBy: 'media',
      },
      answers: (method) => method === 'storage_config_get',
      skipped: metrics.skippedRecords,
      logger,
      nowMs,
    });
  }

  async handleBatch(records: ConsumedRecord[]): Promise<void> {
    await this.replies.answerAll(
      records,
      async (request) => {
        // The gateway checked the data already; a record it would never write still gets an
        // answer.
        const data = validateStorageConfigGetData(request.uplink.data, []);
        return data.ok
          ? await this.media.storageConfig(request.uplink.gatewaySn, data.value)
          : { result: STORAGE_UNAVAILABLE_RESULT };
      },
      this.send,
      (request, answer) => {
        this.metrics.storageRequests.inc({ result: String(answer.result) });
        this.logger.info(
          { dockSn: request.uplink.gatewaySn, tid: request.tid, result: answer.result },
          'answered storage_config_get',
        );
      },
    );
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
    private readonly metrics: MediaMetrics,
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
          this.metrics.callbacks.inc({ outcome: outcome.outcome });
          if (outcome.outcome === 'recorded' && outcome.unknownFlight) {
            this.metrics.callbacks.inc({ outcome: 'unknown_flight' });
          }
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
