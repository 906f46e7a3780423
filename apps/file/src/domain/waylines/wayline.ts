import type { WaylineMetadata } from '../kmz/wayline-metadata';

/** A wayline file in the library. Its bytes never change: a new version is a new upload. */
export interface Wayline {
  id: string;
  /** The organization that uploaded it: only that organization lists, reads, flies or deletes it. */
  organizationId: string;
  name: string;
  /** Lower-case hex MD5 of the exact KMZ bytes: what docks verify (314005 when it differs). */
  fingerprint: string;
  sizeBytes: number;
  /** Where the bytes are in blob storage; shared by every wayline with the same fingerprint. */
  storageKey: string;
  metadata: WaylineMetadata;
  createdAt: Date;
}

export type NewWayline = Omit<Wayline, 'createdAt'>;

/** Blobs are content-addressed, so the same bytes uploaded twice are stored once. */
export function storageKeyFor(fingerprint: string): string {
  return `waylines/${fingerprint}.kmz`;
}
