import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import type { ArchiveEntry, ArchiveReader } from '../../domain/kmz/archive-reader';
import { NotAnArchiveError } from '../../domain/kmz/archive-reader';

/**
 * The zip reader behind KMZ inspection (yauzl). It reads the central directory, then inflates
 * one entry at a time as a stream; yauzl fails the stream when an entry inflates to another
 * size than it declares or its CRC is wrong. Names are decoded here and validated by the domain
 * (yauzl's own name check is off so that the refusal carries the domain's reason).
 */
const OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true,
  strictFileNames: false,
};

export function openZipFile(path: string): Promise<ArchiveReader> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, OPTIONS, (error, zipfile) => {
      if (error || !zipfile) reject(new NotAnArchiveError(error?.message ?? 'unreadable'));
      else resolve(new YauzlArchive(zipfile));
    });
  });
}

/** The same reader over bytes in memory (tests, small archives). */
export function openZipBuffer(buffer: Buffer): Promise<ArchiveReader> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, OPTIONS, (error, zipfile) => {
      if (error || !zipfile) reject(new NotAnArchiveError(error?.message ?? 'unreadable'));
      else resolve(new YauzlArchive(zipfile));
    });
  });
}

const UNIX_HOST = 3;
const FILE_TYPE_MASK = 0o170000;
const SYMLINK_TYPE = 0o120000;

class YauzlArchive implements ArchiveReader {
  constructor(private readonly zipfile: yauzl.ZipFile) {}

  get entryCount(): number {
    return this.zipfile.entryCount;
  }

  async *entries(): AsyncIterable<ArchiveEntry> {
    for (;;) {
      const entry = await this.next();
      if (!entry) return;
      yield this.describe(entry);
    }
  }

  async close(): Promise<void> {
    this.zipfile.close();
  }

  private next(): Promise<yauzl.Entry | undefined> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        this.zipfile.off('entry', onEntry);
        this.zipfile.off('end', onEnd);
        this.zipfile.off('error', onError);
      };
      const onEntry = (entry: yauzl.Entry) => {
        cleanup();
        resolve(entry);
      };
      const onEnd = () => {
        cleanup();
        resolve(undefined);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      this.zipfile.on('entry', onEntry);
      this.zipfile.on('end', onEnd);
      this.zipfile.on('error', onError);
      this.zipfile.readEntry();
    });
  }

  private describe(entry: yauzl.Entry): ArchiveEntry {
    const name = decodeName(entry.fileName as unknown as Buffer);
    const host = entry.versionMadeBy >>> 8;
    const mode = (entry.externalFileAttributes >>> 16) & FILE_TYPE_MASK;
    return {
      name,
      compressedSize: entry.compressedSize,
      uncompressedSize: entry.uncompressedSize,
      isDirectory: name.endsWith('/'),
      isEncrypted: (entry.generalPurposeBitFlag & 0x1) !== 0,
      isSymlink: host === UNIX_HOST && mode === SYMLINK_TYPE,
      open: () =>
        new Promise<AsyncIterable<Buffer>>((resolve, reject) => {
          this.zipfile.openReadStream(entry, (error, stream?: Readable) => {
            if (error || !stream) reject(error ?? new Error('entry could not be opened'));
            else resolve(stream);
          });
        }),
    };
  }
}

/** UTF-8 when the bytes are valid UTF-8 (what KMZ tools write), else Latin-1, byte for byte. */
function decodeName(raw: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return raw.toString('latin1');
  }
}
