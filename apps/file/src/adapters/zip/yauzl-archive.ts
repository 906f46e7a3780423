import { close, fstatSync, open, read } from 'node:fs';
import { Readable } from 'node:stream';
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

/**
 * Opens a zip file on disk. Not yauzl.open: its file-descriptor reader marks a range stream
 * destroyed before pushing its end, so on current Node a stored (uncompressed) entry's stream
 * never ends and its descriptor is never released (a `zip -0` KMZ hung the upload). Behind
 * yauzl's RandomAccessReader, FileRangeReader's range streams end when their range does.
 */
export async function openZipFile(path: string): Promise<ArchiveReader> {
  const fd = await new Promise<number>((resolve, reject) =>
    open(path, 'r', (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  const reader = new FileRangeReader(fd);
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (error) {
    reader.release();
    throw error;
  }
  return new Promise((resolve, reject) => {
    yauzl.fromRandomAccessReader(reader, size, OPTIONS, (error, zipfile) => {
      if (error || !zipfile) {
        reader.release();
        reject(new NotAnArchiveError(error?.message ?? 'unreadable'));
      } else resolve(new YauzlArchive(zipfile));
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

/**
 * Byte ranges of one open file, read at their positions; the descriptor is closed once yauzl
 * lets go of the reader and no read is under way (fs streams over a shared descriptor would
 * close it when destroyed).
 */
class FileRangeReader extends yauzl.RandomAccessReader {
  private released = false;
  private reading = 0;

  constructor(private fd: number) {
    super();
  }

  // yauzl's typings declare void; yauzl uses the returned stream.
  override _readStreamForRange(start: number, end: number): Readable {
    let position = start;
    const stream: Readable = new Readable({
      read: (size) => {
        const length = Math.min(size, end - position);
        if (length <= 0) {
          stream.push(null);
          return;
        }
        const buffer = Buffer.allocUnsafe(length);
        this.reading++;
        read(this.fd, buffer, 0, length, position, (error, bytesRead) => {
          this.reading--;
          this.closeWhenIdle();
          if (error) stream.destroy(error);
          // A file shorter than its directory claims: yauzl's byte count then fails the entry.
          else if (bytesRead === 0) stream.push(null);
          else {
            position += bytesRead;
            stream.push(buffer.subarray(0, bytesRead));
          }
        });
      },
    });
    return stream;
  }

  override close(callback: (error: Error | null) => void): void {
    this.release();
    setImmediate(() => callback(null));
  }

  release(): void {
    this.released = true;
    this.closeWhenIdle();
  }

  private closeWhenIdle(): void {
    if (!this.released || this.reading > 0 || this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    close(fd, () => undefined);
  }
}

const UNIX_HOST = 3;
const FILE_TYPE_MASK = 0o170000;
const SYMLINK_TYPE = 0o120000;

class YauzlArchive implements ArchiveReader {
  /** Entry streams not yet ended: closing the archive destroys them, releasing the file. */
  private readonly streams = new Set<Readable>();

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
    for (const stream of this.streams) stream.destroy();
    this.streams.clear();
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
            if (error || !stream) {
              reject(error ?? new Error('entry could not be opened'));
              return;
            }
            this.streams.add(stream);
            stream.once('close', () => this.streams.delete(stream));
            stream.once('end', () => this.streams.delete(stream));
            resolve(stream);
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
