import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header names of every delivery (documented in apps/alerts/README.md). */
export const WEBHOOK_HEADERS = {
  id: 'X-Dock-Webhook-Id',
  timestamp: 'X-Dock-Webhook-Timestamp',
  signature: 'X-Dock-Webhook-Signature',
  event: 'X-Dock-Webhook-Event',
  attempt: 'X-Dock-Webhook-Attempt',
} as const;

/**
 * `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, timestamp in Unix seconds. Signing the
 * timestamp with the body lets receivers refuse replays older than their window.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `v1=${mac}`;
}

/**
 * What a receiver does (also used by the tests): the signature matches (constant time) and
 * the timestamp is within `toleranceSeconds` of now.
 */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (!headers.timestamp || !headers.signature || !/^\d{1,12}$/.test(headers.timestamp)) {
    return false;
  }
  const timestamp = Number(headers.timestamp);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  return headers.signature
    .split(',')
    .map((part) => Buffer.from(part.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}

/** A new subscription's secret: 32 random bytes, shown once. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
