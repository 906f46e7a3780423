/** What an uploaded KMZ may be, so a hostile archive cannot exhaust the service or a dock. */
export interface KmzLimits {
  /** Entries in the archive, directories included. */
  maxEntries: number;
  /** Sum of every entry's inflated size. */
  maxUncompressedBytes: number;
  /** Inflated size / compressed size of one entry, checked once the entry is big enough to matter. */
  maxCompressionRatio: number;
  /** Entries smaller than this are never refused for their ratio (small XML compresses well). */
  ratioCheckMinBytes: number;
}

export const DEFAULT_KMZ_LIMITS: KmzLimits = {
  maxEntries: 1_000,
  maxUncompressedBytes: 200 * 1024 * 1024,
  maxCompressionRatio: 100,
  ratioCheckMinBytes: 1024 * 1024,
};
