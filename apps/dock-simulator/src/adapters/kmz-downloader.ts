import { createHash } from 'node:crypto';

/** Fetches a KMZ and fingerprints it. Either `md5` (hex) or `error`, never a throw. */
export type DownloadOutcome = { readonly md5: string } | { readonly error: string };

export type KmzDownloader = (url: string) => Promise<DownloadOutcome>;

/** Cap on the bytes kept: a wayline KMZ is kilobytes; this only protects the simulator. */
const MAX_BYTES = 64 * 1024 * 1024;

export function httpKmzDownloader(timeoutMs = 30_000): KmzDownloader {
  return async (url) => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) {
        // Drain so the connection can be reused.
        await response.body?.cancel();
        return { error: `HTTP ${response.status}` };
      }
      const hash = createHash('md5');
      let size = 0;
      if (response.body) {
        for await (const chunk of response.body) {
          const bytes = chunk as Uint8Array;
          size += bytes.byteLength;
          if (size > MAX_BYTES) return { error: `larger than ${MAX_BYTES} bytes` };
          hash.update(bytes);
        }
      }
      return { md5: hash.digest('hex') };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
}
