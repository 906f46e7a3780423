import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

/**
 * HMAC-SHA256 signatures of download URLs, shared by every service that hands out links (the
 * file service's KMZ downloads, the media service's photos and videos): one signature covers one
 * subject (a wayline id, a media file id) and one expiry (Unix seconds), so a URL cannot be
 * re-pointed at another file or extended. Verification
 * compares in constant time and checks the signature before the expiry, so an attacker learns
 * nothing from which check failed first.
 */
export class UrlSignature {
  private readonly key: Buffer;

  constructor(
    key: string,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (key.length < 16) throw new Error('the URL signing key must be at least 16 characters');
    this.key = Buffer.from(key, 'utf8');
  }

  /** base64url HMAC of the version, the subject and the expiry. */
  sign(subject: string, expiresAtSeconds: number): string {
    return createHmac('sha256', this.key)
      .update(`v1\n${subject}\n${expiresAtSeconds}`)
      .digest('base64url');
  }

  /** `expires` and `signature` as the URL's query gave them: anything but a string is invalid. */
  verify(subject: string, expires: unknown, signature: unknown): SignatureCheck {
    if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires)) return 'invalid';
    if (typeof signature !== 'string' || !signature) return 'invalid';
    const expected = Buffer.from(this.sign(subject, Number(expires)), 'utf8');
    const presented = Buffer.from(signature, 'utf8');
    // timingSafeEqual needs equal lengths; a wrong length is wrong whatever its content.
    const matches = presented.length === expected.length && timingSafeEqual(presented, expected);
    if (!matches) return 'invalid';
    return Number(expires) * 1000 > this.nowMs() ? 'valid' : 'expired';
  }
}
