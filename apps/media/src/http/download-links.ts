import type { UrlSignature } from '@dock/url-signing';

/** Signed, expiring download URLs of media files (the shared signer, libs/url-signing). */
export class MediaDownloadLinks {
  constructor(
    readonly signature: UrlSignature,
    private readonly publicBaseUrl: string,
    private readonly ttlSeconds: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  issue(fileId: string): { url: string; expiresAt: Date } {
    const expires = Math.floor(this.nowMs() / 1000) + this.ttlSeconds;
    const query = new URLSearchParams({
      expires: String(expires),
      signature: this.signature.sign(`media:${fileId}`, expires),
    });
    return {
      url: `${this.publicBaseUrl.replace(/\/+$/, '')}/media/downloads/${encodeURIComponent(fileId)}?${query.toString()}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  verify(fileId: string, expires: unknown, signature: unknown) {
    return this.signature.verify(`media:${fileId}`, expires, signature);
  }
}
