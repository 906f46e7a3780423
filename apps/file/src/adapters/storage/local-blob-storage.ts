import { createReadStream } from 'node:fs';
import { access, copyFile, mkdir, rename, rm, stat, constants } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ByteRange } from '../../domain/downloads/byte-range';
import type { BlobInfo, BlobStorage } from '../../domain/waylines/blob-storage';

/**
 * Blobs as files under one directory (FILE_STORAGE_DIR; a persistent volume in Kubernetes,
 * shared by the replicas, e.g. ReadWriteMany). Writes go to a temporary name in the same
 * directory and are renamed into place, so a reader never sees half a file.
 */
export class LocalBlobStorage implements BlobStorage {
  readonly driver = 'local' as const;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async put(key: string, sourcePath: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.${randomUUID()}.partial`;
    try {
      await copyFile(sourcePath, partial);
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async stat(key: string): Promise<BlobInfo | null> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { sizeBytes: info.size } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  read(key: string, range?: ByteRange): Promise<Readable> {
    const stream = createReadStream(
      this.pathOf(key),
      range ? { start: range.start, end: range.end } : {},
    );
    // Resolve once the file is open, so a missing file is a rejection and not a broken stream.
    return new Promise((resolve, reject) => {
      stream.once('open', () => resolve(stream));
      stream.once('error', reject);
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async presignedDownloadUrl(): Promise<string | null> {
    return null;
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  private pathOf(key: string): string {
    const resolved = path.resolve(this.root, key);
    // Keys are made by the service, but a key must never name a file outside the root.
    if (!resolved.startsWith(this.root + path.sep)) throw new Error(`invalid storage key ${key}`);
    return resolved;
  }
}
