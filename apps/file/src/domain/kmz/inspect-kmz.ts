import type { ArchiveEntry, ArchiveReader } from './archive-reader';
import { unsafeEntryNameReason } from './entry-name';
import type { KmzLimits } from './kmz-limits';
import { KmzRejectedError } from './kmz-rejection';
import { xmlProblem } from './xml-check';

export const TEMPLATE_ENTRY = 'wpmz/template.kml';
export const WAYLINES_ENTRY = 'wpmz/waylines.wpml';
const WAYLINE_ENTRIES = new Set([TEMPLATE_ENTRY, WAYLINES_ENTRY]);

/** The wayline documents of an accepted KMZ, as text. */
export interface KmzContents {
  templateKml?: string;
  waylinesWpml?: string;
  entryCount: number;
  uncompressedBytes: number;
}

/**
 * Reads every entry of a KMZ and refuses it (KmzRejectedError) unless it is a wayline archive
 * that a dock can unzip safely: bounded entry count, inflated size and compression ratio
 * (checked first on the declared sizes, then on the bytes actually inflated, since a hostile
 * archive may lie), entry names that stay inside the archive, no encryption or symlinks, and
 * `wpmz/waylines.wpml` (with `wpmz/template.kml` beside it or not) as well-formed KML.
 *
 * Every entry is inflated (and counted and discarded) because the dock will inflate it too.
 */
export async function inspectKmz(archive: ArchiveReader, limits: KmzLimits): Promise<KmzContents> {
  try {
    return await inspectEntries(archive, limits);
  } catch (error) {
    if (error instanceof KmzRejectedError) throw error;
    // The reader failed: bad CRC, an entry larger than declared, a truncated archive...
    throw new KmzRejectedError(
      'corrupt_archive',
      `the zip archive is damaged: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

async function inspectEntries(archive: ArchiveReader, limits: KmzLimits): Promise<KmzContents> {
  if (archive.entryCount > limits.maxEntries) {
    throw new KmzRejectedError(
      'too_many_entries',
      `the archive holds ${archive.entryCount} entries; at most ${limits.maxEntries} are accepted`,
    );
  }
  const seen = new Set<string>();
  const documents = new Map<string, string>();
  let declaredTotal = 0;
  let inflatedTotal = 0;
  let entryCount = 0;

  for await (const entry of archive.entries()) {
    entryCount++;
    checkEntryHeader(entry, seen);
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxUncompressedBytes) throw tooLarge(limits);
    checkRatio(entry.name, entry.uncompressedSize, entry.compressedSize, limits);
    if (entry.isDirectory) continue;

    const keep = WAYLINE_ENTRIES.has(entry.name);
    const chunks: Buffer[] = [];
    let inflated = 0;
    for await (const chunk of await entry.open()) {
      inflated += chunk.length;
      inflatedTotal += chunk.length;
      if (inflatedTotal > limits.maxUncompressedBytes) throw tooLarge(limits);
      checkRatio(entry.name, inflated, entry.compressedSize, limits);
      if (keep) chunks.push(chunk);
    }
    if (keep) documents.set(entry.name, decodeXmlText(entry.name, Buffer.concat(chunks)));
  }

  for (const [name, text] of documents) checkKmlDocument(name, text);
  const templateKml = documents.get(TEMPLATE_ENTRY);
  const waylinesWpml = documents.get(WAYLINES_ENTRY);
  // The dock flies waylines.wpml; template.kml alone is an editor's file it cannot execute.
  if (waylinesWpml === undefined) {
    throw new KmzRejectedError(
      'missing_wayline_files',
      templateKml === undefined
        ? `the archive holds neither ${TEMPLATE_ENTRY} nor ${WAYLINES_ENTRY}: it is not a DJI wayline (WPML) KMZ`
        : `the archive has no ${WAYLINES_ENTRY}, the file the dock flies (${TEMPLATE_ENTRY} alone cannot be executed)`,
    );
  }
  return { templateKml, waylinesWpml, entryCount, uncompressedBytes: inflatedTotal };
}

function checkEntryHeader(entry: ArchiveEntry, seen: Set<string>): void {
  const unsafe = unsafeEntryNameReason(entry.name);
  if (unsafe) {
    throw new KmzRejectedError(
      'unsafe_entry_name',
      `entry ${JSON.stringify(entry.name)} is refused: ${unsafe}`,
    );
  }
  if (entry.isSymlink) {
    throw new KmzRejectedError(
      'unsafe_entry_name',
      `entry ${JSON.stringify(entry.name)} is a symbolic link; links are refused`,
    );
  }
  if (entry.isEncrypted) {
    throw new KmzRejectedError(
      'encrypted_entry',
      `entry ${JSON.stringify(entry.name)} is encrypted; docks cannot read encrypted entries`,
    );
  }
  if (seen.has(entry.name)) {
    throw new KmzRejectedError(
      'duplicate_entry',
      `entry ${JSON.stringify(entry.name)} appears twice; an unzipper would keep either one`,
    );
  }
  seen.add(entry.name);
}

function checkRatio(name: string, inflated: number, compressed: number, limits: KmzLimits): void {
  if (inflated < limits.ratioCheckMinBytes) return;
  const ratio = inflated / Math.max(compressed, 1);
  if (ratio > limits.maxCompressionRatio) {
    throw new KmzRejectedError(
      'compression_ratio',
      `entry ${JSON.stringify(name)} inflates more than ${limits.maxCompressionRatio} times its ` +
        `compressed size (${compressed} bytes): refused as a possible zip bomb`,
    );
  }
}

function tooLarge(limits: KmzLimits): KmzRejectedError {
  return new KmzRejectedError(
    'too_large_uncompressed',
    `the archive inflates to more than ${limits.maxUncompressedBytes} bytes, the accepted maximum`,
  );
}

function decodeXmlText(name: string, bytes: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.trim().length === 0) {
    throw new KmzRejectedError('malformed_xml', `${name} is empty`);
  }
  return text;
}

function checkKmlDocument(name: string, text: string): void {
  const problem = xmlProblem(text);
  if (problem) {
    throw new KmzRejectedError('malformed_xml', `${name} is not well-formed XML (${problem})`);
  }
  if (!/<(?:[A-Za-z_][\w.-]*:)?kml[\s>]/.test(text)) {
    throw new KmzRejectedError('not_a_wayline', `${name} is XML but its root is not <kml>`);
  }
}
