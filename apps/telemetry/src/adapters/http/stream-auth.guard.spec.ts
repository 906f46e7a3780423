import { ExecutionContext, HttpException, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { loadConfig, requestOrganization } from '@dock/platform';
import { issueStreamTicket } from '../../domain/stream-ticket';
import { telemetryConfigSchema } from '../../telemetry.config';
import { StreamAuthGuard } from './stream-auth.guard';

const config = loadConfig(telemetryConfigSchema, {});
const GOOD = 'good-token-of-org-a';
const OTHER_ORG = 'good-token-of-org-b';
const ADMIN = 'admin-token-0123456789';
const ORG_A = 'org-a';
const settings = {
  tokens: [
    { organizationId: ORG_A, token: GOOD },
    { organizationId: 'org-b', token: OTHER_ORG },
  ],
  adminTokens: [ADMIN],
};
const guard = (disabled = false) => new StreamAuthGuard({ ...settings, disabled }, config);

function request(
  query: Record<string, unknown>,
  authorization?: string,
  target: Record<string, unknown> = { query, headers: authorization ? { authorization } : {} },
) {
  const headers: Record<string, string> = {};
  const context = {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => target,
      getResponse: () => ({ setHeader: (name: string, value: string) => (headers[name] = value) }),
    }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

function refusal(g: StreamAuthGuard, query: Record<string, unknown>, authorization?: string) {
  const { context, headers } = request(query, authorization);
  try {
    g.canActivate(context);
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedException);
    expect(headers['WWW-Authenticate']).toBe('Bearer');
    return (error as UnauthorizedException).message;
  }
  throw new Error('accepted');
}

describe('StreamAuthGuard', () => {
  const ticket = () => issueStreamTicket(GOOD, Date.now(), 60_000, undefined, ORG_A).ticket;

  it('accepts the bearer header or a ticket', () => {
    expect(guard().canActivate(request({}, `Bearer ${GOOD}`).context)).toBe(true);
    expect(guard().canActivate(request({ ticket: ticket() }).context)).toBe(true);
  });

  it('lets the header alone decide when it is sent', () => {
    expect(refusal(guard(), { ticket: ticket() }, 'Bearer bad')).toMatch(/not accepted/);
    expect(refusal(guard(), { ticket: ticket() }, 'Basic Zm9v')).toMatch(/required/);
  });

  it('says what is wrong with a ticket, or that a credential is missing', () => {
    expect(refusal(guard(), {})).toMatch(/bearer token .* or a stream ticket/);
    expect(refusal(guard(), { access_token: GOOD })).toMatch(/stream ticket/);
    expect(refusal(guard(), { ticket: GOOD })).toMatch(/not a ticket/);
    expect(refusal(guard(), { ticket: [ticket(), ticket()] })).toMatch(/exactly one/);
    const old = issueStreamTicket(GOOD, Date.now() - 120_000, 60_000, undefined, ORG_A).ticket;
    expect(refusal(guard(), { ticket: old })).toMatch(/expired.*POST \/stream\/tickets/);
    const foreign = issueStreamTicket('unknown-token-0123456', Date.now(), 60_000).ticket;
    expect(refusal(guard(), { ticket: foreign })).toMatch(/not accepted/);
  });

  it('lets everything through with AUTH_DISABLED', () => {
    expect(guard(true).canActivate(request({}).context)).toBe(true);
  });

  it("scopes the request to the ticket's organization, or to the token's", () => {
    const byTicket = { query: { ticket: ticket() }, headers: {} } as unknown as Request;
    expect(guard().canActivate(request({}, undefined, byTicket as never).context)).toBe(true);
    expect(requestOrganization(byTicket)).toBe(ORG_A);

    const byHeader = {
      query: {},
      headers: { authorization: `Bearer ${GOOD}` },
    } as unknown as Request;
    expect(guard().canActivate(request({}, undefined, byHeader as never).context)).toBe(true);
    expect(requestOrganization(byHeader)).toBe(ORG_A);
  });

  it('refuses a header naming another organization than the token (403)', () => {
    const spoofed = {
      query: {},
      headers: { authorization: `Bearer ${GOOD}`, 'x-organization-id': 'org-b' },
    } as unknown as Request;
    let thrown: unknown;
    try {
      guard().canActivate(request({}, undefined, spoofed as never).context);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpException);
    expect((thrown as HttpException).getStatus()).toBe(403);
  });

  it("refuses a ticket an organization's token signed for another organization", () => {
    // The token holder can compute any ticket with its own token: the organization it names
    // must be the token's.
    const forged = issueStreamTicket(GOOD, Date.now(), 60_000, undefined, 'org-b').ticket;
    expect(refusal(guard(), { ticket: forged })).toMatch(/not accepted/);
    const ofDefault = issueStreamTicket(GOOD, Date.now(), 60_000).ticket;
    expect(refusal(guard(), { ticket: ofDefault })).toMatch(/not accepted/);
  });

  it('accepts an admin-signed ticket of any organization', () => {
    const scoped = issueStreamTicket(ADMIN, Date.now(), 60_000, undefined, 'org-b').ticket;
    const target = { query: { ticket: scoped }, headers: {} } as unknown as Request;
    expect(guard().canActivate(request({}, undefined, target as never).context)).toBe(true);
    expect(requestOrganization(target)).toBe('org-b');
  });

  it('with AUTH_DISABLED, takes the organization a ticket names (default otherwise)', () => {
    const plain = { query: {}, headers: {} } as unknown as Request;
    guard(true).canActivate(request({}, undefined, plain as never).context);
    expect(requestOrganization(plain)).toBe(DEFAULT_ORGANIZATION_ID);
  });
});
