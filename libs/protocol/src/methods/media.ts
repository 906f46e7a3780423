import { addFlag, FlagSink } from '../flags';
import {
  Check,
  httpUrl,
  integerIn,
  isRecord,
  nonEmptyString,
  objectWith,
} from '../validation/checks';
import { Decoded, invalid, valid } from '../validation/decoded';
import { readInt, readNonEmptyString, readString } from '../validation/lenient';
import { DataValidator } from './data-validator';
import { resultCode } from './reply-validators';

/**
 * Media upload (dock-media-upload.md): the dock asks for object-storage credentials
 * (`storage_config_get`, requests), uploads each file itself and reports it
 * (`file_upload_callback`, events), says which flight's media it uploads first
 * (`highest_priority_upload_flighttask_media`, events), and the cloud may move a flight to the
 * front (`upload_flighttask_media_prioritize`, services). The media service answers and records
 * them; the gateway checks the shapes below, so a malformed callback is refused with a
 * non-zero events_reply and dead-lettered before any service sees it.
 */

/** `storage_config_get.module`: 0 = media, the only module the spec names. */
export const STORAGE_MODULE_MEDIA = 0;

/** The providers the spec names (`provider`, enum_string). */
export const STORAGE_PROVIDERS = ['ali', 'aws', 'minio'] as const;
export type StorageProvider = (typeof STORAGE_PROVIDERS)[number];

// ---- storage_config_get (requests up, requests_reply down) ------------------------------------

export interface StorageConfigGetData {
  readonly module: number;
  readonly [key: string]: unknown;
}

export interface StorageCredentials {
  readonly access_key_id: string;
  readonly access_key_secret: string;
  /** Lifetime in seconds. */
  readonly expire: number;
  readonly security_token: string;
}

export interface StorageConfig {
  readonly bucket: string;
  readonly credentials: StorageCredentials;
  readonly endpoint: string;
  readonly object_key_prefix: string;
  readonly provider: StorageProvider;
  readonly region: string;
}

/** `output` is required when result is 0; a refusal carries none. */
export interface StorageConfigGetReplyData {
  readonly result: number;
  readonly output?: StorageConfig;
}

/** Lenient: enum_int may come as a numeric string; unknown modules pass (the answer refuses). */
export const validateStorageConfigGetData: DataValidator<StorageConfigGetData> = (data, flags) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const module = readInt(data.module, 'data.module', flags);
  if (!module.ok) return module;
  return valid({ ...data, module: module.value });
};

const providerCheck: Check = (value, path) =>
  typeof value === 'string' && (STORAGE_PROVIDERS as readonly string[]).includes(value)
    ? null
    : invalid(path, `one of ${STORAGE_PROVIDERS.join('|')}`, value);

/** The security token may be empty (a static key has none). */
const tokenCheck: Check = (value, path) =>
  typeof value === 'string' && value.length <= 4096 ? null : invalid(path, 'string', value);

const storageConfigCheck: Check = objectWith<StorageConfig>({
  bucket: nonEmptyString(255),
  credentials: objectWith<StorageCredentials>({
    access_key_id: nonEmptyString(256),
    access_key_secret: nonEmptyString(256),
    // The Demo requires >= 1; 12 h is the longest an STS session lasts.
    expire: integerIn(1, 43_200),
    security_token: tokenCheck,
  }),
  endpoint: httpUrl,
  object_key_prefix: nonEmptyString(512),
  provider: providerCheck,
  region: nonEmptyString(64),
});

/** Strict: we build it, so anything off the spec is our bug. */
export const validateStorageConfigGetReplyData: DataValidator<StorageConfigGetReplyData> = (
  data,
) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const result = resultCode(data.result, 'data.result');
  if (result) return result;
  if (data.result === 0 || data.output !== undefined) {
    const output = storageConfigCheck(data.output, 'data.output');
    if (output) return output;
  }
  return valid(data as unknown as StorageConfigGetReplyData);
};

// ---- file_upload_callback (events up) ----------------------------------------------------------

export interface UploadedFileExt {
  readonly flight_id?: string;
  readonly drone_model_key?: string;
  readonly payload_model_key?: string;
  readonly is_original?: boolean;
  readonly [key: string]: unknown;
}

export interface UploadedFileMetadata {
  readonly gimbal_yaw_degree?: number;
  readonly absolute_altitude?: number;
  readonly relative_altitude?: number;
  /** Capture time as the dock sent it (ISO 8601 or "yyyy-MM-dd HH:mm:ss"); `created_time` too. */
  readonly create_time?: string;
  readonly shoot_position?: { readonly lat: number; readonly lng: number };
  readonly [key: string]: unknown;
}

export interface UploadedFile {
  readonly object_key: string;
  readonly path?: string;
  readonly name: string;
  readonly ext: UploadedFileExt;
  readonly metadata: UploadedFileMetadata;
  readonly cloud_to_cloud_id?: string;
  readonly [key: string]: unknown;
}

export interface UploadFlightTask {
  readonly uploaded_file_count?: number;
  readonly expected_file_count?: number;
  readonly flight_type?: number;
  readonly [key: string]: unknown;
}

export interface FileUploadCallbackData {
  readonly file: UploadedFile;
  readonly flight_task?: UploadFlightTask;
  /** The Demo reads it (non-zero: the upload failed); the docs do not list it. */
  readonly result?: number;
  readonly progress?: number;
  readonly [key: string]: unknown;
}

/** Numbers that some firmware sends as strings (the docs example's `"-91.40"`). */
const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

function readLooseNumber(value: unknown, path: string, flags: FlagSink): Decoded<number> {
  if (typeof value === 'number' && Number.isFinite(value)) return valid(value);
  if (typeof value === 'string' && value.length <= 32 && NUMERIC_TEXT.test(value.trim())) {
    addFlag(flags, 'number_from_string');
    return valid(Number(value.trim()));
  }
  return invalid(path, 'finite number', value);
}

function readBool(value: unknown, path: string): Decoded<boolean> {
  if (typeof value === 'boolean') return valid(value);
  if (value === 0 || value === 1) return valid(value === 1);
  return invalid(path, 'boolean', value);
}

function readMetadata(value: unknown, flags: FlagSink): Decoded<UploadedFileMetadata> {
  if (value === undefined || value === null) return valid({});
  const path = 'data.file.metadata';
  if (!isRecord(value)) return invalid(path, 'object', value);
  const out: Record<string, unknown> = { ...value };
  for (const key of ['gimbal_yaw_degree', 'absolute_altitude', 'relative_altitude'] as const) {
    if (value[key] === undefined || value[key] === null) {
      delete out[key];
      continue;
    }
    const number = readLooseNumber(value[key], `${path}.${key}`, flags);
    if (!number.ok) return number;
    out[key] = number.value;
  }
  // The Demo spells it created_time; the docs create_time. One name onwards.
  const time = value.create_time ?? value.created_time;
  if (value.create_time === undefined && value.created_time !== undefined) {
    addFlag(flags, 'created_time_key');
    delete out.created_time;
  }
  if (time !== undefined && time !== null) {
    const text = readString(time, `${path}.create_time`);
    if (!text.ok) return text;
    out.create_time = text.value;
  }
  const position = value.shoot_position;
  if (position !== undefined && position !== null) {
    const at = `${path}.shoot_position`;
    if (!isRecord(position)) return invalid(at, 'object', position);
    const lat = readLooseNumber(position.lat, `${at}.lat`, flags);
    if (!lat.ok) return lat;
    const lng = readLooseNumber(position.lng, `${at}.lng`, flags);
    if (!lng.ok) return lng;
    if (Math.abs(lat.value) > 90) return invalid(`${at}.lat`, 'number in -90..90', lat.value);
    if (Math.abs(lng.value) > 180) return invalid(`${at}.lng`, 'number in -180..180', lng.value);
    out.shoot_position = { ...position, lat: lat.value, lng: lng.value };
  } else {
    delete out.shoot_position;
  }
  return valid(out as UploadedFileMetadata);
}

function readExt(value: unknown, flags: FlagSink): Decoded<UploadedFileExt> {
  if (value === undefined || value === null) return valid({});
  const path = 'data.file.ext';
  if (!isRecord(value)) return invalid(path, 'object', value);
  const out: Record<string, unknown> = { ...value };
  for (const key of ['flight_id', 'drone_model_key', 'payload_model_key'] as const) {
    if (value[key] === undefined || value[key] === null) {
      delete out[key];
      continue;
    }
    const text = readString(value[key], `${path}.${key}`);
    if (!text.ok) return text;
  }
  if (value.is_original !== undefined && value.is_original !== null) {
    const original = readBool(value.is_original, `${path}.is_original`);
    if (!original.ok) return original;
    if (typeof value.is_original !== 'boolean') addFlag(flags, 'int_from_string');
    out.is_original = original.value;
  } else {
    delete out.is_original;
  }
  return valid(out as UploadedFileExt);
}

function readFlightTask(value: unknown, flags: FlagSink): Decoded<UploadFlightTask | undefined> {
  if (value === undefined || value === null) return valid(undefined);
  const path = 'data.flight_task';
  if (!isRecord(value)) return invalid(path, 'object', value);
  const out: Record<string, unknown> = { ...value };
  for (const key of ['uploaded_file_count', 'expected_file_count', 'flight_type'] as const) {
    if (value[key] === undefined) continue;
    const int = readInt(value[key], `${path}.${key}`, flags, { min: 0 });
    if (!int.ok) return int;
    out[key] = int.value;
  }
  return valid(out as UploadFlightTask);
}

/**
 * Lenient, per the spec's "Demo vs docs": `create_time` or `created_time`, numbers as strings,
 * `is_original` as 0/1, `flight_task` absent (the Demo), top-level `result` / `progress`.
 * Refused: no file, no object key or name, an object key that is not a plain relative key.
 */
export const validateFileUploadCallbackData: DataValidator<FileUploadCallbackData> = (
  data,
  flags,
) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const file = data.file;
  if (!isRecord(file)) return invalid('data.file', 'object', file);
  const key = readNonEmptyString(file.object_key, 'data.file.object_key');
  if (!key.ok) return key;
  if (key.value.length > 1024 || key.value.startsWith('/') || key.value.split('/').includes('..')) {
    return invalid(
      'data.file.object_key',
      'relative object key of at most 1024 characters',
      key.value,
    );
  }
  const name = readNonEmptyString(file.name, 'data.file.name');
  if (!name.ok) return name;
  if (name.value.length > 255)
    return invalid('data.file.name', 'at most 255 characters', name.value);
  for (const optional of ['path', 'cloud_to_cloud_id'] as const) {
    if (file[optional] !== undefined && file[optional] !== null) {
      const text = readString(file[optional], `data.file.${optional}`);
      if (!text.ok) return text;
    }
  }
  const ext = readExt(file.ext, flags);
  if (!ext.ok) return ext;
  const metadata = readMetadata(file.metadata, flags);
  if (!metadata.ok) return metadata;
  const flightTask = readFlightTask(data.flight_task, flags);
  if (!flightTask.ok) return flightTask;
  const out: Record<string, unknown> = {
    ...data,
    file: { ...file, ext: ext.value, metadata: metadata.value },
  };
  if (flightTask.value === undefined) delete out.flight_task;
  else out.flight_task = flightTask.value;
  for (const key of ['result', 'progress'] as const) {
    if (data[key] === undefined || data[key] === null) {
      delete out[key];
      continue;
    }
    const int = readInt(data[key], `data.${key}`, flags);
    if (!int.ok) return int;
    out[key] = int.value;
  }
  return valid(out as FileUploadCallbackData);
};

// ---- highest_priority_upload_flighttask_media (events up) ---------------------------------------

export interface HighestPriorityUploadData {
  readonly flight_id: string;
  readonly [key: string]: unknown;
}

export const validateHighestPriorityUploadData: DataValidator<HighestPriorityUploadData> = (
  data,
) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const flightId = readString(data.flight_id, 'data.flight_id');
  if (!flightId.ok) return flightId;
  return valid({ ...data, flight_id: flightId.value });
};

// ---- upload_flighttask_media_prioritize (services down) -----------------------------------------

export interface UploadMediaPrioritizeData {
  readonly flight_id: string;
}

/** The Demo refuses these characters in the flight id: < > : " / | ? * . _ \ */
const PRIORITIZE_FLIGHT_ID = /^[^<>:"/|?*._\\\s]{1,64}$/;

const prioritizeFlightId: Check = (value, path) =>
  typeof value === 'string' && PRIORITIZE_FLIGHT_ID.test(value)
    ? null
    : invalid(path, 'flight id of 1..64 characters without < > : " / | ? * . _ \\', value);

export const prioritizeFields: Check = objectWith<UploadMediaPrioritizeData>({
  flight_id: prioritizeFlightId,
});

/** True when `flightId` may be sent in upload_flighttask_media_prioritize. */
export function isPrioritizableFlightId(flightId: string): boolean {
  return PRIORITIZE_FLIGHT_ID.test(flightId);
}
