import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '@dock/protocol';
import type { PlannedMediaFile } from '../domain/media-upload';

/** Uploads one file with the credentials of storage_config_get; resolves with the error text, if any. */
export type MediaUploader = (
  config: StorageConfig,
  file: PlannedMediaFile,
) => Promise<{ error?: string }>;

/**
 * S3 PUT (SigV4, path-style) as a dock does with `provider` aws or minio: the temporary key,
 * its session token, the bucket and endpoint it was given. One client per credential set.
 */
export function s3MediaUploader(): MediaUploader {
  return async (config, file) => {
    const client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
      credentials: {
        accessKeyId: config.credentials.access_key_id,
        secretAccessKey: config.credentials.access_key_secret,
        ...(config.credentials.security_token
          ? { sessionToken: config.credentials.security_token }
          : {}),
      },
    });
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: file.objectKey,
          Body: file.body,
          ContentType: 'image/jpeg',
          ContentLength: file.body.length,
        }),
      );
      return {};
    } catch (error) {
      return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    } finally {
      client.destroy();
    }
  };
}
