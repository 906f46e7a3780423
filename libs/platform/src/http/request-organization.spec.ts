import { HttpException } from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import {
  ORGANIZATION_HEADER,
  requestOrganization,
  resolveOrganization,
  setRequestOrganization,
} from './request-organization';

const header = ORGANIZATION_HEADER.toLowerCase();

function fakeRequest(headers: Record<string, string | string[]>): Request {
  return { headers } as unknown as Request;
}

describe('resolveOrganization', () => {
  it('defaults to the default organization when the header is absent', () => {
    expect(resolveOrganization({})).toEqual({ ok: true, organizationId: DEFAULT_ORGANIZATION_ID });
  });

  it('takes a UUID or another bounded id of safe characters', () => {
    const uuid = '6f1c2b9e-3d4a-4b5c-9d8e-7f6a5b4c3d2e';
    expect(resolveOrganization({ [header]: uuid })).toEqual({ ok: true, organizationId: uuid });
    expect(resolveOrganization({ [header]: 'org_A-1' })).toEqual({
      ok: true,
      organizationId: 'org_A-1',
    });
    expect(resolveOrganization({ [header]: 'x'.repeat(64) }).ok).toBe(true);
  });

  it('refuses empty, too long, unsafe and repeated values', () => {
    for (const value of ['', 'x'.repeat(65), 'a b', 'a/b', "a'b", 'a.b', 'é', 'a\nb']) {
      const resolved = resolveOrganization({ [header]: value });
      expect(resolved.ok).toBe(false);
    }
    expect(resolveOrganization({ [header]: ['a', 'b'] })).toEqual({
      ok: false,
      problem: 'give the header once',
    });
  });
});

describe('requestOrganization', () => {
  it('resolves once and remembers the answer on the request', () => {
    const request = fakeRequest({ [header]: 'org-a' });
    expect(requestOrganization(request)).toBe('org-a');
    request.headers[header] = 'org-b';
    expect(requestOrganization(request)).toBe('org-a');
  });

  it('prefers what a guard set from another credential', () => {
    const request = fakeRequest({ [header]: 'org-a' });
    setRequestOrganization(request, 'org-from-ticket');
    expect(requestOrganization(request)).toBe('org-from-ticket');
  });

  it('answers 400 naming the header for a bad value', () => {
    const request = fakeRequest({ [header]: 'not an id!' });
    let thrown: unknown;
    try {
      requestOrganization(request);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpException);
    const exception = thrown as HttpException;
    expect(exception.getStatus()).toBe(400);
    expect(exception.getResponse()).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining(ORGANIZATION_HEADER),
      problems: [{ field: ORGANIZATION_HEADER }],
    });
  });
});
