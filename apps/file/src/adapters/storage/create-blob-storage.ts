import type { BlobStorage } from '../../domain/waylines/blob-storage';
import type { FileConfig } from '../../file.config';
import { LocalBlobStorage } from './local-blob-storage';
import { S3BlobStorage } from './s3-blob-storage';

/** The storage adapter FILE_STORAGE_DRIVER names. */
export function createBlobStorage(config: FileConfig): BlobStorage {
  if (config.FILE_STORAGE_DRIVER === 'local') return new LocalBlobStorage(config.FILE_STORAGE_DIR);
  return new S3BlobStorage({
    bucket: config.S3_BUCKET ?? '',
    region: config.S3_REGION,
    endpoint: config.S3_ENDPOINT,
    publicEndpoint: config.S3_PUBLIC_ENDPOINT,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    keyPrefix: config.S3_KEY_PREFIX,
  });
}
