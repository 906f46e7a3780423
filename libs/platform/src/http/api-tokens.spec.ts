import { ApiTokens, apiTokenProblem, mayActIn, parseOrganizationToken } from './api-tokens';

const A = 'org-a';
const TOKEN_A = 'token-of-a-0123456789';
const TOKEN_B = 'token-of-b-0123456789';
const ADMIN = 'admin-token-0123456789';

describe('parseOrganizationToken', () => {
  it('reads <organization id>:<token>, the token may contain colons', () => {
    expect(parseOrganizationToken(`${A}:${TOKEN_A}`)).toEqual({
      ok: true,
      value: { organizationId: A, token: TOKEN_A },
    });
    expect(parseOrganizationToken(`${A}:a:b:0123456789abcdef`)).toMatchObject({
      ok: true,
      value: { token: 'a:b:0123456789abcdef' },
    });
  });

  it('refuses entries without an organization, bad ids and weak tokens, never echoing the token', () => {
    for (const entry of [TOKEN_A, `:${TOKEN_A}`, `a b:${TOKEN_A}`, `${A}:short`, `${A}:`]) {
      const parsed = parseOrganizationToken(entry);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.problem).not.toContain(TOKEN_A);
    }
  });
});

describe('apiTokenProblem', () => {
  it('wants 16+ printable characters without spaces or commas', () => {
    expect(apiTokenProblem('x'.repeat(16))).toBeUndefined();
    expect(apiTokenProblem('x'.repeat(15))).toMatch(/at least 16/);
    expect(apiTokenProblem(`${'x'.repeat(16)} y`)).toMatch(/printable/);
    expect(apiTokenProblem(`${'x'.repeat(16)}é`)).toMatch(/printable/);
  });
});

describe('ApiTokens', () => {
  const tokens = new ApiTokens(
    [
      { organizationId: A, token: TOKEN_A },
      { organizationId: 'org-b', token: TOKEN_B },
    ],
    [ADMIN],
  );

  it('says whom a token stands for', () => {
    expect(tokens.authenticate(TOKEN_A)).toEqual({ role: 'organization', organizationId: A });
    expect(tokens.authenticate(TOKEN_B)).toEqual({ role: 'organization', organizationId: 'org-b' });
    expect(tokens.authenticate(ADMIN)).toEqual({ role: 'admin' });
  });

  it('accepts nothing else (prefixes, suffixes, other case, empty)', () => {
    for (const presented of ['', TOKEN_A.slice(0, -1), `${TOKEN_A}x`, TOKEN_A.toUpperCase()]) {
      expect(tokens.authenticate(presented)).toBeUndefined();
    }
    expect(new ApiTokens([], []).authenticate(TOKEN_A)).toBeUndefined();
  });

  it('lists its signers for derived credentials', () => {
    expect(tokens.signers().map((signer) => signer.principal.role)).toEqual([
      'organization',
      'organization',
      'admin',
    ]);
  });
});

describe('mayActIn', () => {
  it("keeps an organization's token in its organization; admin and AUTH_DISABLED anywhere", () => {
    expect(mayActIn({ role: 'organization', organizationId: A }, A)).toBe(true);
    expect(mayActIn({ role: 'organization', organizationId: A }, 'org-b')).toBe(false);
    expect(mayActIn({ role: 'admin' }, 'org-b')).toBe(true);
    expect(mayActIn({ role: 'anonymous' }, 'org-b')).toBe(true);
  });
});
