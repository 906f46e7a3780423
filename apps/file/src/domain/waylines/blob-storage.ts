import type { Readable } from 'node:stream';
import type { ByteRange } from '../downloads/byte-range';

/** What is known of a stored blob. */
export interface BlobInfo {
  sizeBytes: number;
}

/**
 * The port to where KMZ bytes live: a local directory (a volume in Kubernetes) or an
 * S3-compatible bucket. Keys are content-addressed, so writing a key twice writes the same bytes.
 */
export interface BlobStorage {
  readonly driver: 'local' | 's3';
  /** Stores the file at `sourcePath` under `key`, atomically: readers see all of it or nothing. */
  put(key: string, sourcePath: string, info: { sizeBytes: number; md5Hex: string }): Promise<void>;
  stat(key: string): Promise<BlobInfo | null>;
  /** The bytes, or only the inclusive range; rejects when the key does not exist. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes the blob; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * A URL from which a dock can fetch the blob directly until it expires (S3 presigned GET),
   * or null when the storage has none and the service serves downloads itself.
   */
  presignedDownloadUrl(key: string, ttlSeconds: number, fileName: string): Promise<string | null>;
  /** Answers when the storage is usable (readiness). */
  check(): Promise<void>;
}
