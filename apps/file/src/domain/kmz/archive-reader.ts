/**
 * The port through which KMZ inspection reads a zip archive. The adapter reads the central
 * directory only; entry bytes are inflated on demand, as a stream, so nothing is held whole.
 */
export interface ArchiveEntry {
  /** The entry's path as stored (decoded as UTF-8 or CP437 per the entry's flag). */
  readonly name: string;
  readonly compressedSize: number;
  /** As declared by the archive; the reader fails the stream when the real size differs. */
  readonly uncompressedSize: number;
  readonly isDirectory: boolean;
  readonly isEncrypted: boolean;
  /** A Unix symbolic link stored as an entry: extracting it could point anywhere. */
  readonly isSymlink: boolean;
  /** The inflated bytes; the stream errors on a CRC or size mismatch. */
  open(): Promise<AsyncIterable<Buffer>>;
}

export interface ArchiveReader {
  /** From the central directory, known before any entry is read. */
  readonly entryCount: number;
  entries(): AsyncIterable<ArchiveEntry>;
  close(): Promise<void>;
}

/** Opens an archive; rejects with NotAnArchiveError when the file is no zip at all. */
export type OpenArchive = (path: string) => Promise<ArchiveReader>;

export class NotAnArchiveError extends Error {
  constructor(readonly detail: string) {
    super(`not a zip archive: ${detail}`);
    this.name = 'NotAnArchiveError';
  }
}
