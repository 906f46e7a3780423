import { createHash } from 'node:crypto';
import { sampleKmz } from '@dock/wpml';

export interface BuiltKmz {
  readonly bytes: Buffer;
  /** MD5 of the bytes (hex): what the file service must fingerprint and the dock must verify. */
  readonly md5: string;
}

/**
 * A real wayline KMZ (wpmz/template.kml + wpmz/waylines.wpml, DJI WPML), unique per `label`
 * so each scenario's file has its own bytes and fingerprint.
 */
export async function buildKmz(label: string, waypoints = 4): Promise<BuiltKmz> {
  const shape = { author: `e2e ${label}`, waypoints };
  const bytes = await sampleKmz(shape);
  return { bytes, md5: createHash('md5').update(bytes).digest('hex') };
}
