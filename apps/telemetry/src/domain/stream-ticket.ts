import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';

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
 *
 * A ticket opens the stream of the organization it was issued for (the asking request's): a
 * ticket of the default organization keeps the form above (`st1`, naming none); any other is
 * `st2.<expiry>.<organization id>.<nonce>.<signature>`, the organization signed with the rest.
 */
const VERSION = 'st1';
const SCOPED_VERSION = 'st2';
/** Domain separation: the same token signs nothing else with this prefix. */
const CONTEXT = 'dock-fleet telemetry stream ticket\n';
/** Tolerated difference between the clocks of the replica that issued and the one that checks. */
export const TICKET_CLOCK_SKEW_MS = 5_000;
const MAX_TICKET_LENGTH = 200;
const ORGANIZATION = /^[A-Za-z0-9_-]{1,64}$/;
const SIGNATURE_BYTES = 32;

export interface IssuedTicket {
  readonly ticket: string;
  /** Epoch ms after which the ticket opens nothing. */
  readonly expiresAt: number;
}

export type TicketRefusal = 'malformed' | 'not_accepted' | 'expired';

export type TicketCheck =
  /**
   * organizationId: the one the ticket names; absent for an `st1` ticket (the default one).
   * `signer`: the accepted token that signed it (the client, for the stream caps).
   */
  | {
      readonly ok: true;
      readonly expiresAt: number;
      readonly signer: string;
      readonly organizationId?: string;
    }
  | { readonly ok: false; readonly reason: TicketRefusal };

/**
 * A ticket signed with `token` (the caller's bearer token), valid for `ttlMs` from `now`, that
 * opens the stream of `organizationId`.
 */
export function issueStreamTicket(
  token: string,
  now: number,
  ttlMs: number,
  nonce: string = randomBytes(12).toString('base64url'),
  organizationId: string = DEFAULT_ORGANIZATION_ID,
): IssuedTicket {
  const expiresAt = now + ttlMs;
  const body =
    organizationId === DEFAULT_ORGANIZATION_ID
      ? `${VERSION}.${expiresAt.toString(36)}.${nonce}`
      : `${SCOPED_VERSION}.${expiresAt.toString(36)}.${organizationId}.${nonce}`;
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
  const parsed = parseTicket(presented);
  if (!parsed) return refused('malformed');
  const { expiry, organizationId, nonce, signature } = parsed;
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
  const body =
    organizationId === undefined
      ? `${VERSION}.${expiry}.${nonce}`
      : `${SCOPED_VERSION}.${expiry}.${organizationId}.${nonce}`;
  let signer: string | undefined;
  for (const token of acceptedTokens) {
    if (timingSafeEqual(signatureBytes, sign(token, body))) signer ??= token;
  }
  if (signer === undefined) return refused('not_accepted');
  const expiresAt = parseInt(expiry, 36);
  if (expiresAt <= now) return refused('expired');
  if (expiresAt > now + maxTtlMs + TICKET_CLOCK_SKEW_MS) return refused('not_accepted');
  return organizationId === undefined
    ? { ok: true, expiresAt, signer }
    : { ok: true, expiresAt, signer, organizationId };
}

/**
 * The organization a ticket names (DEFAULT_ORGANIZATION_ID for an `st1` ticket), without
 * checking its signature: only for AUTH_DISABLED runs, where any ticket passes anyway.
 */
export function unverifiedTicketOrganization(presented: string): string | null {
  const parsed = parseTicket(presented);
  return parsed ? (parsed.organizationId ?? DEFAULT_ORGANIZATION_ID) : null;
}

interface TicketParts {
  expiry: string;
  organizationId: string | undefined;
  nonce: string;
  signature: string;
}

function parseTicket(presented: string): TicketParts | null {
  if (presented.length > MAX_TICKET_LENGTH) return null;
  const parts = presented.split('.');
  if (parts.length === 4 && parts[0] === VERSION) {
    const [, expiry, nonce, signature] = parts as [string, string, string, string];
    return { expiry, organizationId: undefined, nonce, signature };
  }
  if (parts.length === 5 && parts[0] === SCOPED_VERSION) {
    const [, expiry, organizationId, nonce, signature] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    // The default organization's tickets are st1: one ticket form per organization.
    if (!ORGANIZATION.test(organizationId) || organizationId === DEFAULT_ORGANIZATION_ID) {
      return null;
    }
    return { expiry, organizationId, nonce, signature };
  }
  return null;
}

function sign(token: string, body: string): Buffer {
  return createHmac('sha256', token).update(CONTEXT).update(body).digest();
}

function refused(reason: TicketRefusal): TicketCheck {
  return { ok: false, reason };
}
