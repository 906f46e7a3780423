import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  CommandRecord,
  CommandReplyRecord,
  isFinalTaskState,
  taskEventOrganization,
  TaskEventRecord,
} from '@dock/contracts';
import {
  FileUploadCallbackData,
  isFinalTaskStatus,
  isPrioritizableFlightId,
  STORAGE_MODULE_MEDIA,
  STORAGE_UNAVAILABLE_RESULT,
  StorageConfigGetData,
  StorageConfigGetReplyData,
  StorageProvider,
} from '@dock/protocol';
import { mediaFileOf } from '../domain/media/media-file';
import { dockKeyPrefix, flightKeyPrefix } from '../domain/storage/object-keys';
import type { UploadGrant } from '../domain/storage/session-policy';
import type { StorageCredentials } from '@dock/protocol';
import type { MediaStore, Prioritization } from './ports';

export interface MediaSettings {
  bucket: string;
  region: string;
  provider: StorageProvider;
  /** The endpoint docks upload to. */
  publicEndpoint: string;
  keyRoot: string;
  incompleteAfterMs: number;
  /** At most this many open flights are named in one credential's policy (AWS caps its size). */
  maxFlightsPerGrant: number;
}

/** Issues upload credentials (STS or a static key). */
export interface CredentialIssuer {
  issue(grant: UploadGrant, sessionName: string): Promise<StorageCredentials>;
}

/** Size and fingerprint of an uploaded object, or null when the store does not have it. */
export type ObjectInspector = (
  objectKey: string,
) => Promise<{ sizeBytes: number; md5: string | null } | null>;

export type CommandSender = (command: CommandRecord) => Promise<void>;

export class MediaError extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type CallbackOutcome = 'recorded' | 'duplicate' | 'upload_failed';

/**
 * The media use cases: answer storage_config_get, record file_upload_callback, follow flights
 * (task events, progress), sweep, and prioritize a flight's upload. Ports only; no I/O here.
 */
export class MediaService {
  constructor(
    private readonly store: MediaStore,
    private readonly credentials: CredentialIssuer,
    private readonly inspect: ObjectInspector,
    private readonly sendCommand: CommandSender,
    private readonly settings: MediaSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async storageConfig(
    gatewaySn: string,
    data: StorageConfigGetData,
  ): Promise<StorageConfigGetReplyData> {
    if (data.module !== STORAGE_MODULE_MEDIA) return { result: STORAGE_UNAVAILABLE_RESULT };
    const organizationId = await this.store.organizationOfDock(gatewaySn);
    const dockPrefix = dockKeyPrefix(this.settings.keyRoot, organizationId, gatewaySn);
    const flights = await this.store.openFlightsOfDock(gatewaySn, this.settings.maxFlightsPerGrant);
    const prefixes =
      flights.length > 0
        ? flights.map((flight) => flightKeyPrefix(dockPrefix, flight))
        : [dockPrefix];
    try {
      const credentials = await this.credentials.issue(
        { bucket: this.settings.bucket, prefixes },
        gatewaySn,
      );
      return {
        result: 0,
        output: {
          bucket: this.settings.bucket,
          credentials,
          endpoint: this.settings.publicEndpoint,
          object_key_prefix: dockPrefix.replace(/\/$/, ''),
          provider: this.settings.provider,
          region: this.settings.region,
        },
      };
    } catch (error) {
      this.logger.error(
        { err: error, dockSn: gatewaySn },
        'upload credentials could not be issued',
      );
      return { result: STORAGE_UNAVAILABLE_RESULT };
    }
  }

  async fileUploaded(
    gatewaySn: string,
    data: FileUploadCallbackData,
    at: number,
  ): Promise<{ outcome: CallbackOutcome; id?: string; unknownFlight?: boolean }> {
    if (data.result !== undefined && data.result !== 0) return { outcome: 'upload_failed' };
    const flightId = data.file.ext.flight_id;
    const known = flightId ? await this.store.isKnownFlight(flightId) : false;
    const organizationId = await this.store.organizationOfDock(gatewaySn);
    const file = mediaFileOf(data, { organizationId, gatewaySn, unknownFlight: !known, at });
    try {
      const stored = await this.inspect(file.objectKey);
      file.sizeBytes = stored?.sizeBytes ?? null;
      file.fingerprint = stored?.md5 ?? null;
    } catch (error) {
      this.logger.warn(
        { err: error, dockSn: gatewaySn, objectKey: file.objectKey },
        'uploaded object could not be inspected; recorded without size and fingerprint',
      );
    }
    const result = await this.store.recordFile(
      file,
      data.flight_task?.expected_file_count,
      this.settings.incompleteAfterMs,
    );
    return {
      outcome: result.recorded ? 'recorded' : 'duplicate',
      id: result.id,
      unknownFlight: !known,
    };
  }

  async progress(
    gatewaySn: string,
    flightId: string,
    mediaCount: number | undefined,
    status: unknown,
    at: number,
  ): Promise<void> {
    await this.store.observeProgress(
      { gatewaySn, flightId, mediaCount, final: isFinalTaskStatus(status), at },
      this.settings.incompleteAfterMs,
    );
  }

  async taskEvent(event: TaskEventRecord): Promise<void> {
    const final = isFinalTaskState(event.state);
    await this.store.observeTask(
      {
        flightId: event.flightId,
        gatewaySn: event.gatewaySn,
        organizationId: taskEventOrganization(event),
        final,
        at: event.at,
      },
      this.settings.incompleteAfterMs,
    );
  }

  async uploadFirst(gatewaySn: string, flightId: string, at: number): Promise<void> {
    await this.store.markUploadFirst(gatewaySn, flightId, at);
  }

  async sweep(): Promise<number> {
    return this.store.sweep(this.now(), this.settings.incompleteAfterMs, 200);
  }

  /** Sends upload_flighttask_media_prioritize to the flight's dock; the outcome is tracked. */
  async prioritize(organizationId: string, flightId: string): Promise<Prioritization> {
    const flight = await this.store.flight(organizationId, flightId);
    if (!flight)
      throw new MediaError(404, 'flight_not_found', `no media known for flight ${flightId}`);
    if (!isPrioritizableFlightId(flightId)) {
      throw new MediaError(
        422,
        'flight_id_not_sendable',
        'this flight id cannot be sent to a dock',
      );
    }
    if (flight.status === 'complete') {
      throw new MediaError(409, 'media_complete', 'every file of this flight is uploaded already');
    }
    const prioritization: Prioritization = {
      correlationId: randomUUID(),
      organizationId,
      gatewaySn: flight.gatewaySn,
      flightId,
      requestedAt: this.now(),
      outcome: null,
      result: null,
      error: null,
      completedAt: null,
    };
    await this.store.recordPrioritization(prioritization);
    await this.sendCommand({
      schemaVersion: 1,
      correlationId: prioritization.correlationId,
      gatewaySn: flight.gatewaySn,
      method: 'upload_flighttask_media_prioritize',
      bid: flightId,
      data: { flight_id: flightId },
      requestedAt: prioritization.requestedAt,
      requester: 'media',
    });
    return prioritization;
  }

  /** A dock.command-replies record; replies to other services' commands change nothing. */
  async commandReply(reply: CommandReplyRecord): Promise<void> {
    if (reply.method !== 'upload_flighttask_media_prioritize') return;
    await this.store.completePrioritization(
      reply.correlationId,
      reply.outcome,
      reply.result,
      reply.error ?? null,
      reply.completedAt,
    );
  }
}
