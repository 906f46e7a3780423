import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ByteRange } from '../../domain/downloads/byte-range';
import type { BlobInfo, BlobStorage } from '../../domain/waylines/blob-storage';

export interface S3StorageSettings {
  bucket: string;
  region: string;
  /** For S3-compatible stores (MinIO, Ceph...): the API endpoint the service uses. */
  endpoint?: string;
  /**
   * The endpoint docks reach the store at, when it differs from `endpoint`. Presigned URLs are
   * signed for this host (the host is part of the signature).
   */
  publicEndpoint?: string;
  forcePathStyle: boolean;
  /** Static credentials; without them the SDK's default chain (env, IRSA, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prepended to every key, e.g. "dock-fleet/". */
  keyPrefix: string;
}

/** 7 days: the longest a SigV4 presigned URL may live. */
export const MAX_PRESIGN_SECONDS = 604_800;

/**
 * Blobs in an S3-compatible bucket. Uploads send Content-MD5, so the store itself refuses bytes
 * that changed on the way. Downloads can be presigned GET URLs that docks use directly.
 */
export class S3BlobStorage implements BlobStorage {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  private readonly presignClient: S3Client;

  constructor(private readonly settings: S3StorageSettings) {
    const base: S3ClientConfig = {
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      // Content-MD5 already protects uploads. The SDK's default trailing CRC (aws-chunked
      // bodies) is not understood by many S3-compatible stores, so it is sent only when required.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
    };
    this.client = new S3Client({ ...base, endpoint: settings.endpoint });
    this.presignClient = settings.publicEndpoint
      ? new S3Client({ ...base, endpoint: settings.publicEndpoint })
      : this.client;
  }

  async put(
    key: string,
    sourcePath: string,
    info: { sizeBytes: number; md5Hex: string },
  ): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.objectKey(key),
        Body: createReadStream(sourcePath),
        ContentLength: info.sizeBytes,
        ContentMD5: Buffer.from(info.md5Hex, 'hex').toString('base64'),
        ContentType: 'application/vnd.google-earth.kmz',
      }),
    );
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
      );
      return { sizeBytes: head.ContentLength ?? 0 };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const object = await this.client.send(
      new GetObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.objectKey(key),
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    if (!(object.Body instanceof Readable)) throw new Error('S3 returned no readable body');
    return object.Body;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }),
    );
  }

  async presignedDownloadUrl(key: string, ttlSeconds: number, fileName: string): Promise<string> {
    return getSignedUrl(
      this.presignClient,
      new GetObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.objectKey(key),
        ResponseContentDisposition: `attachment; filename="${fileName}"`,
      }),
      { expiresIn: Math.min(ttlSeconds, MAX_PRESIGN_SECONDS) },
    );
  }

  async check(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
  }

  /** Releases the SDK's sockets at shutdown. */
  destroy(): void {
    this.client.destroy();
    if (this.presignClient !== this.client) this.presignClient.destroy();
  }

  private objectKey(key: string): string {
    return `${this.settings.keyPrefix}${key}`;
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof NotFound ||
    error instanceof NoSuchKey ||
    (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
  );
}
