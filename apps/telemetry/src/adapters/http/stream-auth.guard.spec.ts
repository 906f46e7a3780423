import { ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { loadConfig, requestOrganization } from '@dock/platform';
import { issueStreamTicket } from '../../domain/stream-ticket';
import { telemetryConfigSchema } from '../../telemetry.config';
import { StreamAuthGuard } from './stream-auth.guard';

const config = loadConfig(telemetryConfigSchema, {});
const guard = (disabled = false) => new StreamAuthGuard({ tokens: ['good'], disabled }, config);

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
  const ticket = () => issueStreamTicket('good', Date.now(), 60_000).ticket;

  it('accepts the bearer header or a ticket', () => {
    expect(guard().canActivate(request({}, 'Bearer good').context)).toBe(true);
    expect(guard().canActivate(request({ ticket: ticket() }).context)).toBe(true);
  });

  it('lets the header alone decide when it is sent', () => {
    expect(refusal(guard(), { ticket: ticket() }, 'Bearer bad')).toMatch(/not accepted/);
    expect(refusal(guard(), { ticket: ticket() }, 'Basic Zm9v')).toMatch(/required/);
  });

  it('says what is wrong with a ticket, or that a credential is missing', () => {
    expect(refusal(guard(), {})).toMatch(/bearer token .* or a stream ticket/);
    expect(refusal(guard(), { access_token: 'good' })).toMatch(/stream ticket/);
    expect(refusal(guard(), { ticket: 'good' })).toMatch(/not a ticket/);
    expect(refusal(guard(), { ticket: [ticket(), ticket()] })).toMatch(/exactly one/);
    const old = issueStreamTicket('good', Date.now() - 120_000, 60_000).ticket;
    expect(refusal(guard(), { ticket: old })).toMatch(/expired.*POST \/stream\/tickets/);
    const foreign = issueStreamTicket('other', Date.now(), 60_000).ticket;
    expect(refusal(guard(), { ticket: foreign })).toMatch(/not accepted/);
  });

  it('lets everything through with AUTH_DISABLED', () => {
    expect(guard(true).canActivate(request({}).context)).toBe(true);
  });

  it("scopes the request to the ticket's organization, or to the header's", () => {
    const org = 'org-b';
    const scoped = issueStreamTicket('good', Date.now(), 60_000, undefined, org).ticket;
    const byTicket = { query: { ticket: scoped }, headers: {} } as unknown as Request;
    expect(guard().canActivate(request({}, undefined, byTicket as never).context)).toBe(true);
    expect(requestOrganization(byTicket)).toBe(org);

    const byHeader = {
      query: {},
      headers: { authorization: 'Bearer good', 'x-organization-id': 'org-c' },
    } as unknown as Request;
    expect(guard().canActivate(request({}, undefined, byHeader as never).context)).toBe(true);
    expect(requestOrganization(byHeader)).toBe('org-c');

    const badHeader = {
      query: {},
      headers: { authorization: 'Bearer good', 'x-organization-id': 'not an id' },
    } as unknown as Request;
    expect(() => guard().canActivate(request({}, undefined, badHeader as never).context)).toThrow(
      /X-Organization-Id/,
    );

    const plain = { query: { ticket: ticket() }, headers: {} } as unknown as Request;
    guard().canActivate(request({}, undefined, plain as never).context);
    expect(requestOrganization(plain)).toBe(DEFAULT_ORGANIZATION_ID);
  });
});
