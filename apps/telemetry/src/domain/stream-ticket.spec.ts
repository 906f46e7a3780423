import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import {
  issueStreamTicket,
  TICKET_CLOCK_SKEW_MS,
  unverifiedTicketOrganization,
  verifyStreamTicket,
} from './stream-ticket';

const NOW = Date.UTC(2026, 0, 1);
const TTL = 60_000;

describe('stream tickets', () => {
  it('opens the stream until it expires, signed by any accepted token', () => {
    const { ticket, expiresAt } = issueStreamTicket('token-b', NOW, TTL);
    expect(expiresAt).toBe(NOW + TTL);
    expect(ticket).toMatch(/^st1\.[0-9a-z]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyStreamTicket(ticket, ['token-a', 'token-b'], NOW, TTL)).toEqual({
      ok: true,
      expiresAt,
      signer: 'token-b',
    });
    expect(verifyStreamTicket(ticket, ['token-b'], expiresAt - 1, TTL).ok).toBe(true);
    expect(verifyStreamTicket(ticket, ['token-b'], expiresAt, TTL)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('is refused once its token is no longer accepted, or with no token configured', () => {
    const { ticket } = issueStreamTicket('revoked', NOW, TTL);
    expect(verifyStreamTicket(ticket, ['token-a'], NOW, TTL)).toEqual({
      ok: false,
      reason: 'not_accepted',
    });
    expect(verifyStreamTicket(ticket, [], NOW, TTL)).toEqual({
      ok: false,
      reason: 'not_accepted',
    });
  });

  it('cannot be altered: expiry, nonce or signature', () => {
    const { ticket } = issueStreamTicket('token', NOW, TTL, 'nonce-123');
    const [version, expiry, nonce, signature] = ticket.split('.') as [
      string,
      string,
      string,
      string,
    ];
    const later = (parseInt(expiry, 36) + 1).toString(36);
    expect(
      verifyStreamTicket(`${version}.${later}.${nonce}.${signature}`, ['token'], NOW, TTL),
    ).toEqual({ ok: false, reason: 'not_accepted' });
    expect(
      verifyStreamTicket(`${version}.${expiry}.nonce-124.${signature}`, ['token'], NOW, TTL).ok,
    ).toBe(false);
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(
      verifyStreamTicket(`${version}.${expiry}.${nonce}.${flipped}`, ['token'], NOW, TTL).ok,
    ).toBe(false);
  });

  it('refuses what is not a ticket', () => {
    const { ticket } = issueStreamTicket('token', NOW, TTL);
    for (const bad of [
      '',
      'token',
      ticket.replace(/^st1/, 'st2'),
      `${ticket}.x`,
      `${ticket}=`,
      `${ticket}!`,
      'st1.zzzzzzzzzzzz.nonce-123.abc',
      'x'.repeat(10_000),
    ]) {
      expect(verifyStreamTicket(bad, ['token'], NOW, TTL)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('refuses a ticket that claims to live longer than this service issues them', () => {
    const long = issueStreamTicket('token', NOW, 24 * 3_600_000).ticket;
    expect(verifyStreamTicket(long, ['token'], NOW, TTL)).toEqual({
      ok: false,
      reason: 'not_accepted',
    });
    // A replica whose clock is a little behind the issuer's still accepts it.
    const fresh = issueStreamTicket('token', NOW + TICKET_CLOCK_SKEW_MS, TTL).ticket;
    expect(verifyStreamTicket(fresh, ['token'], NOW, TTL).ok).toBe(true);
  });

  it('gives every ticket its own nonce', () => {
    expect(issueStreamTicket('token', NOW, TTL).ticket).not.toBe(
      issueStreamTicket('token', NOW, TTL).ticket,
    );
  });

  it('opens the stream of the organization it was issued for, which cannot be altered', () => {
    const org = '6f1c2b9e-3d4a-4b5c-9d8e-7f6a5b4c3d2e';
    const { ticket, expiresAt } = issueStreamTicket('token', NOW, TTL, 'nonce-123', org);
    expect(ticket).toMatch(/^st2\.[0-9a-z]+\.[A-Za-z0-9_-]+\.nonce-123\.[A-Za-z0-9_-]{43}$/);
    expect(verifyStreamTicket(ticket, ['token'], NOW, TTL)).toEqual({
      ok: true,
      expiresAt,
      signer: 'token',
      organizationId: org,
    });
    expect(unverifiedTicketOrganization(ticket)).toBe(org);
    const other = ticket.replace(org, 'another-organization');
    expect(verifyStreamTicket(other, ['token'], NOW, TTL)).toEqual({
      ok: false,
      reason: 'not_accepted',
    });
    // The default organization's tickets have one form only: st1.
    const st1 = issueStreamTicket('token', NOW, TTL, 'nonce-123', DEFAULT_ORGANIZATION_ID);
    expect(st1.ticket.startsWith('st1.')).toBe(true);
    expect(unverifiedTicketOrganization(st1.ticket)).toBe(DEFAULT_ORGANIZATION_ID);
    const [, expiry, nonce, signature] = st1.ticket.split('.');
    const forged = `st2.${expiry}.${DEFAULT_ORGANIZATION_ID}.${nonce}.${signature}`;
    expect(verifyStreamTicket(forged, ['token'], NOW, TTL)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(
      verifyStreamTicket(`st2.${expiry}.bad!org.${nonce}.${signature}`, ['token'], NOW, TTL),
    ).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
