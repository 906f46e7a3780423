import type { BlobStorage } from '../waylines/blob-storage';
import type { Wayline } from '../waylines/wayline';
import type { DownloadSignature } from './download-signature';

export interface DownloadLinkSettings {
  /** The base URL docks reach the service at (FILE_PUBLIC_BASE_URL), e.g. https://files.example.com */
  publicBaseUrl: string;
  ttlSeconds: number;
  /** Hand out the storage's own presigned URLs when it has them (S3), instead of ours. */
  preferStorageUrls: boolean;
}

/** A download URL for docks, with the fingerprint they verify. */
export interface DownloadLink {
  url: string;
  fingerprint: string;
  expiresAt: Date;
}

/** The path of the signed download route, relative to the public base URL. */
export function downloadPath(waylineId: string): string {
  return `/downloads/${encodeURIComponent(waylineId)}.kmz`;
}

/** Issues fresh, expiring download URLs: every call signs a new one. */
export class DownloadLinks {
  constructor(
    private readonly signature: DownloadSignature,
    private readonly storage: BlobStorage,
    private readonly settings: DownloadLinkSettings,
    private readonly nowMs: () => number = Date.now,
  ) {}

  async issue(wayline: Wayline): Promise<DownloadLink> {
    const expiresAtSeconds = Math.floor(this.nowMs() / 1000) + this.settings.ttlSeconds;
    const expiresAt = new Date(expiresAtSeconds * 1000);
    if (this.settings.preferStorageUrls) {
      const direct = await this.storage.presignedDownloadUrl(
        wayline.storageKey,
        this.settings.ttlSeconds,
        `${wayline.id}.kmz`,
      );
      if (direct) return { url: direct, fingerprint: wayline.fingerprint, expiresAt };
    }
    const base = this.settings.publicBaseUrl.replace(/\/+$/, '');
    const query = new URLSearchParams({
      expires: String(expiresAtSeconds),
      signature: this.signature.sign(wayline.id, expiresAtSeconds),
    });
    return {
      url: `${base}${downloadPath(wayline.id)}?${query.toString()}`,
      fingerprint: wayline.fingerprint,
      expiresAt,
    };
  }
}
