import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ByteRange } from '@dock/url-signing';

export interface S3MediaStoreSettings {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export interface StoredObject {
  sizeBytes: number;
  /** The MD5 (hex) when the ETag is a plain one (single-part upload), else null. */
  md5: string | null;
  contentType: string | null;
}

/** Reads what docks uploaded: HEAD to learn size and fingerprint, GET (ranges) for downloads. */
export class S3MediaStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3MediaStoreSettings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.endpoint !== undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
    });
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }),
      );
      const etag = head.ETag?.replace(/"/g, '') ?? '';
      return {
        sizeBytes: head.ContentLength ?? 0,
        md5: /^[0-9a-f]{32}$/.test(etag) ? etag : null,
        contentType: head.ContentType ?? null,
      };
    } catch (error) {
      if (
        error instanceof NotFound ||
        (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
      ) {
        return null;
      }
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const object = await this.client.send(
      new GetObjectCommand({
        Bucket: this.settings.bucket,
        Key: key,
        Range: range ? `bytes=${range.start}-${range.end}` : undefined,
      }),
    );
    if (!(object.Body instanceof Readable)) throw new Error('S3 returned no readable body');
    return object.Body;
  }

  destroy(): void {
    this.client.destroy();
  }
}
