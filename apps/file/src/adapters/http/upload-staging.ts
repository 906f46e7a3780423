import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * The directory where this instance stages uploads: its own, under FILE_UPLOAD_TMP_DIR, so
 * instances sharing a host (or a volume) never see, count or remove each other's files, and
 * stopping removes whatever an interrupted upload left behind.
 */
export class UploadStaging {
  readonly dir: string;

  constructor(baseDir: string) {
    this.dir = path.join(baseDir, `instance-${process.pid}-${randomUUID().slice(0, 8)}`);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
