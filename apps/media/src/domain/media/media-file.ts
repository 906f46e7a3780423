import type { FileUploadCallbackData } from '@dock/protocol';

/**
 * One file a dock uploaded and reported (file_upload_callback), as the media service keeps it.
 * Pure: built from the validated callback; storage facts (size, fingerprint) are added by the
 * caller when the store answers.
 */
export type MediaType = 'photo' | 'video' | 'other';

export interface MediaFile {
  organizationId: string;
  gatewaySn: string;
  /** null: the callback named no flight. */
  flightId: string | null;
  objectKey: string;
  name: string;
  path: string | null;
  type: MediaType;
  isOriginal: boolean | null;
  capturedAt: Date | null;
  latitude: number | null;
  longitude: number | null;
  gimbalYawDegree: number | null;
  absoluteAltitude: number | null;
  relativeAltitude: number | null;
  droneModelKey: string | null;
  payloadModelKey: string | null;
  sizeBytes: number | null;
  /** MD5 (hex) of the stored bytes, from the store's ETag, when it is one. */
  fingerprint: string | null;
  /** The flight is not one the system knows (no task, no progress): kept and flagged. */
  unknownFlight: boolean;
  reportedAt: number;
}

/**
 * Where a file comes from and what it is, in the order both its API view and its media record
 * list it (each adds its own ids and storage facts around it).
 */
export function mediaFileFacts(file: MediaFile) {
  return {
    gatewaySn: file.gatewaySn,
    flightId: file.flightId,
    objectKey: file.objectKey,
    name: file.name,
    type: file.type,
    isOriginal: file.isOriginal,
    capturedAt: file.capturedAt?.toISOString() ?? null,
    latitude: file.latitude,
    longitude: file.longitude,
  };
}

const PHOTO = new Set(['jpg', 'jpeg', 'png', 'dng', 'tif', 'tiff', 'heic']);
const VIDEO = new Set(['mp4', 'mov', 'm4v']);

export function mediaTypeOf(name: string): MediaType {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? '';
  if (PHOTO.has(ext)) return 'photo';
  if (VIDEO.has(ext)) return 'video';
  return 'other';
}

const DOCS_FORMAT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

/**
 * The capture time: ISO 8601 with a zone (the Demo's pattern), or the docs example's
 * "yyyy-MM-dd HH:mm:ss" without one, read as UTC (the zone is not knowable). null when neither.
 */
export function parseCaptureTime(text: string | undefined): Date | null {
  if (text === undefined || text.trim() === '') return null;
  const bare = DOCS_FORMAT.exec(text.trim());
  if (bare) {
    const [, y, mo, d, h, mi, s] = bare.map(Number);
    const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    // Date.UTC rolls over (month 13, hour 99): only a date that reads back the same is one.
    const same =
      at.getUTCMonth() === mo - 1 &&
      at.getUTCDate() === d &&
      at.getUTCHours() === h &&
      at.getUTCMinutes() === mi &&
      at.getUTCSeconds() === s;
    return same ? at : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

export function mediaFileOf(
  data: FileUploadCallbackData,
  context: { organizationId: string; gatewaySn: string; unknownFlight: boolean; at: number },
): MediaFile {
  const { file } = data;
  const meta = file.metadata;
  const flightId = file.ext.flight_id && file.ext.flight_id.length > 0 ? file.ext.flight_id : null;
  return {
    organizationId: context.organizationId,
    gatewaySn: context.gatewaySn,
    flightId,
    objectKey: file.object_key,
    name: file.name,
    path: file.path ?? null,
    type: mediaTypeOf(file.name),
    isOriginal: file.ext.is_original ?? null,
    capturedAt: parseCaptureTime(meta.create_time),
    latitude: meta.shoot_position?.lat ?? null,
    longitude: meta.shoot_position?.lng ?? null,
    gimbalYawDegree: meta.gimbal_yaw_degree ?? null,
    absoluteAltitude: meta.absolute_altitude ?? null,
    relativeAltitude: meta.relative_altitude ?? null,
    droneModelKey: file.ext.drone_model_key ?? null,
    payloadModelKey: file.ext.payload_model_key ?? null,
    sizeBytes: null,
    fingerprint: null,
    unknownFlight: context.unknownFlight,
    reportedAt: context.at,
  };
}
