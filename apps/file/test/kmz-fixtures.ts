import { randomBytes } from 'node:crypto';
import * as wpml from '@dock/wpml';
import { WaylineShape, zip } from '@dock/wpml';

export { waylinesWpml, zip } from '@dock/wpml';
export type { WaylineShape, ZipEntrySpec } from '@dock/wpml';

/**
 * Real KMZ files for tests: the sample wayline of libs/wpml, and hostile or broken variants
 * made by patching real archives byte by byte.
 */

/** The sample template.kml, authored by the tests unless the shape says otherwise. */
export function templateKml(shape: WaylineShape = {}): string {
  return wpml.templateKml({ author: 'fleet-tests', ...shape });
}

/** A KMZ as DJI Pilot 2 / FlightHub write it (fingerprints vary with `author`). */
export function validKmz(shape: WaylineShape = {}): Promise<Buffer> {
  return wpml.sampleKmz({ author: 'fleet-tests', ...shape });
}

/** Replaces a name everywhere in the archive (same length, so every offset stays right). */
export function renameEntry(archive: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('names must have the same length');
  const out = Buffer.from(archive);
  const needle = Buffer.from(from);
  let at = out.indexOf(needle);
  while (at !== -1) {
    Buffer.from(to).copy(out, at);
    at = out.indexOf(needle, at + 1);
  }
  return out;
}

const CENTRAL_HEADER = 0x02014b50;

/** Patches the central directory record of every entry (what unzippers trust). */
export function patchCentralDirectory(
  archive: Buffer,
  patch: (record: Buffer, offset: number) => void,
): Buffer {
  const out = Buffer.from(archive);
  for (let offset = 0; offset <= out.length - 46; offset++) {
    if (out.readUInt32LE(offset) === CENTRAL_HEADER) patch(out, offset);
  }
  return out;
}

/** An entry that inflates to far more than it is: zeros compress about a thousand times. */
export function zipBomb(megabytes = 20): Promise<Buffer> {
  return zip([
    { name: 'wpmz/template.kml', data: templateKml() },
    { name: 'wpmz/res/padding.bin', data: Buffer.alloc(megabytes * 1024 * 1024) },
  ]);
}

/** Incompressible bytes, to reach a total size without a suspicious ratio. */
export function noise(bytes: number): Buffer {
  return randomBytes(bytes);
}

/** An entry that says it is a symbolic link (Unix mode 120777). */
export function symlinkKmz(): Promise<Buffer> {
  return zip([
    { name: 'wpmz/template.kml', data: templateKml() },
    { name: 'wpmz/res/link', data: '/etc/passwd', mode: 0o120777 },
  ]);
}

/** A central directory that declares `wpmz/template.kml` smaller than it is. */
export async function lyingSizesKmz(): Promise<Buffer> {
  const honest = await zip([{ name: 'wpmz/template.kml', data: templateKml({ waypoints: 50 }) }]);
  // Uncompressed size at +24 in the central record (the local header's copy is not trusted).
  return patchCentralDirectory(honest, (record, offset) => record.writeUInt32LE(100, offset + 24));
}

/** Bit 0 of the flags marks an entry encrypted. */
export async function encryptedKmz(): Promise<Buffer> {
  const plain = await validKmz();
  return patchCentralDirectory(plain, (record, offset) =>
    record.writeUInt16LE(record.readUInt16LE(offset + 8) | 0x1, offset + 8),
  );
}
