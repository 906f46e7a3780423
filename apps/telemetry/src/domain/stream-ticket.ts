import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stream tickets: how a browser opens the live stream. `EventSource` cannot send an
 * Authorization header, so a front end first calls `POST /stream/tickets` with its bearer token
 * and then opens `GET /stream?ticket=...`. Only the ticket, which expires within
 * TELEMETRY_STREAM_TICKET_TTL_MS, is ever in a URL (and so in browser history, proxy and
 * load-balancer access logs); the long-lived API token never is.
 *
 * A ticket is `st1.<expiry, epoch ms base 36>.<random nonce>.<signature>`, the signature an
 * HMAC-SHA256 of the rest keyed with the API token that asked for it. It needs no storage and
 * every replica can check it (they share API_TOKENS), and removing a token from API_TOKENS
 * invalidates its tickets with it. It is not single-use: an EventSource reconnects with the
 * same URL, and may do so until the ticket expires.
 */
const VERSION = 'st1';
/** Domain separation: the same token signs nothing else with this prefix. */
const CONTEXT = 'dock-fleet telemetry stream ticket\n';
/** Tolerated difference between the clocks of the replica that issued and the one that checks. */
export const TICKET_CLOCK_SKEW_MS = 5_000;
const MAX_TICKET_LENGTH = 128;
const SIGNATURE_BYTES = 32;

export interface IssuedTicket {
  readonly ticket: string;
  /** Epoch ms after which the ticket opens nothing. */
  readonly expiresAt: number;
}

export type TicketRefusal = 'malformed' | 'not_accepted' | 'expired';

export type TicketCheck =
  /** `signer`: the accepted token that signed it (the client, for the stream caps). */
  | { readonly ok: true; readonly expiresAt: number; readonly signer: string }
  | { readonly ok: false; readonly reason: TicketRefusal };

/** A ticket signed with `token` (the caller's bearer token), valid for `ttlMs` from `now`. */
export function issueStreamTicket(
  token: string,
  now: number,
  ttlMs: number,
  nonce: string = randomBytes(12).toString('base64url'),
): IssuedTicket {
  const expiresAt = now + ttlMs;
  const body = `${VERSION}.${expiresAt.toString(36)}.${nonce}`;
  return { ticket: `${body}.${sign(token, body).toString('base64url')}`, expiresAt };
}

/**
 * Checks a presented ticket against every accepted token, in constant time (every token is
 * tried and compared with timingSafeEqual, as for bearer tokens). The expiry is looked at only
 * once the signature holds, and a ticket that claims to live longer than this service issues
 * (`maxTtlMs` from now, plus clock skew) is refused.
 */
export function verifyStreamTicket(
  presented: string,
  acceptedTokens: readonly string[],
  now: number,
  maxTtlMs: number,
): TicketCheck {
  if (presented.length > MAX_TICKET_LENGTH) return refused('malformed');
  const parts = presented.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return refused('malformed');
  const [, expiry, nonce, signature] = parts as [string, string, string, string];
  if (!/^[0-9a-z]{1,11}$/.test(expiry) || !/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) {
    return refused('malformed');
  }
  const signatureBytes = Buffer.from(signature, 'base64url');
  // base64url decoding skips what it cannot read: insist on the canonical form.
  if (
    signatureBytes.length !== SIGNATURE_BYTES ||
    signatureBytes.toString('base64url') !== signature
  ) {
    return refused('malformed');
  }
  const body = `${VERSION}.${expiry}.${nonce}`;
  let signer: string | undefined;
  for (const token of acceptedTokens) {
    if (timingSafeEqual(signatureBytes, sign(token, body))) signer ??= token;
  }
  if (signer === undefined) return refused('not_accepted');
  const expiresAt = parseInt(expiry, 36);
  if (expiresAt <= now) return refused('expired');
  if (expiresAt > now + maxTtlMs + TICKET_CLOCK_SKEW_MS) return refused('not_accepted');
  return { ok: true, expiresAt, signer };
}

function sign(token: string, body: string): Buffer {
  return createHmac('sha256', token).update(CONTEXT).update(body).digest();
}

function refused(reason: TicketRefusal): TicketCheck {
  return { ok: false, reason };
}
