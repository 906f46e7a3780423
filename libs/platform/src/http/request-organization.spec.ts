import { HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type { ApiPrincipal } from './api-tokens';
import {
  ORGANIZATION_HEADER,
  requestOrganization,
  requestPrincipal,
  resolveOrganization,
  setRequestOrganization,
  setRequestPrincipal,
} from './request-organization';

const header = ORGANIZATION_HEADER.toLowerCase();
const ORG_A = '6f1c2b9e-3d4a-4b5c-9d8e-7f6a5b4c3d2e';
const ofA: ApiPrincipal = { role: 'organization', organizationId: ORG_A };
const admin: ApiPrincipal = { role: 'admin' };
const anonymous: ApiPrincipal = { role: 'anonymous' };

function fakeRequest(
  headers: Record<string, string | string[]>,
  principal?: ApiPrincipal,
): Request {
  const request = { headers } as unknown as Request;
  if (principal) setRequestPrincipal(request, principal);
  return request;
}

function thrownBy(run: () => unknown): HttpException {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpException);
    return error as HttpException;
  }
  throw new Error('did not throw');
}

describe('resolveOrganization', () => {
  it("takes the organization of an organization's token, with or without the same header", () => {
    expect(resolveOrganization(ofA, {})).toEqual({ ok: true, organizationId: ORG_A });
    expect(resolveOrganization(ofA, { [header]: ORG_A })).toEqual({
      ok: true,
      organizationId: ORG_A,
    });
  });

  it("refuses a header naming another organization than the token's (403), never widening", () => {
    expect(resolveOrganization(ofA, { [header]: 'org-b' })).toMatchObject({
      ok: false,
      status: 403,
      code: 'organization_not_allowed',
    });
    expect(resolveOrganization(ofA, { [header]: DEFAULT_ORGANIZATION_ID })).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('lets an admin token act in the organization the header names, and requires it', () => {
    expect(resolveOrganization(admin, { [header]: 'org-b' })).toEqual({
      ok: true,
      organizationId: 'org-b',
    });
    expect(resolveOrganization(admin, {})).toMatchObject({ ok: false, status: 400 });
  });

  it('with AUTH_DISABLED, takes the header, defaulting to the default organization', () => {
    expect(resolveOrganization(anonymous, {})).toEqual({
      ok: true,
      organizationId: DEFAULT_ORGANIZATION_ID,
    });
    expect(resolveOrganization(anonymous, { [header]: 'org_A-1' })).toEqual({
      ok: true,
      organizationId: 'org_A-1',
    });
    expect(resolveOrganization(anonymous, { [header]: 'x'.repeat(64) }).ok).toBe(true);
  });

  it('refuses empty, too long, unsafe and repeated values (400) whoever asks', () => {
    for (const principal of [ofA, admin, anonymous]) {
      for (const value of ['', 'x'.repeat(65), 'a b', 'a/b', "a'b", 'a.b', 'é', 'a\nb']) {
        expect(resolveOrganization(principal, { [header]: value })).toMatchObject({
          ok: false,
          status: 400,
        });
      }
      expect(resolveOrganization(principal, { [header]: ['a', 'b'] })).toMatchObject({
        ok: false,
        problem: 'give the header once',
      });
    }
  });
});

describe('requestOrganization', () => {
  it('resolves once and remembers the answer on the request', () => {
    const request = fakeRequest({}, ofA);
    expect(requestOrganization(request)).toBe(ORG_A);
    request.headers[header] = 'org-b';
    expect(requestOrganization(request)).toBe(ORG_A);
  });

  it('prefers what a guard set from another credential', () => {
    const request = fakeRequest({}, ofA);
    setRequestOrganization(request, 'org-from-ticket');
    expect(requestOrganization(request)).toBe('org-from-ticket');
  });

  it('answers 400 naming the header for a bad value, 403 for a foreign one', () => {
    const bad = thrownBy(() => requestOrganization(fakeRequest({ [header]: 'not an id!' }, ofA)));
    expect(bad.getStatus()).toBe(400);
    expect(bad.getResponse()).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining(ORGANIZATION_HEADER),
      problems: [{ field: ORGANIZATION_HEADER }],
    });
    const foreign = thrownBy(() => requestOrganization(fakeRequest({ [header]: 'org-b' }, ofA)));
    expect(foreign.getStatus()).toBe(403);
    expect(foreign.getResponse()).toMatchObject({ code: 'organization_not_allowed' });
  });

  it('refuses a request no guard authenticated (403), trusting nobody', () => {
    expect(thrownBy(() => requestOrganization(fakeRequest({}))).getStatus()).toBe(403);
    expect(thrownBy(() => requestPrincipal(fakeRequest({}))).getStatus()).toBe(403);
  });
});
