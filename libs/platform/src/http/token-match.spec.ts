import { bearerToken, matchesAnyToken } from './token-match';

describe('matchesAnyToken', () => {
  it('accepts any configured token and nothing else', () => {
    expect(matchesAnyToken('b', ['a', 'b'])).toBe(true);
    expect(matchesAnyToken('c', ['a', 'b'])).toBe(false);
    expect(matchesAnyToken('', ['a'])).toBe(false);
    expect(matchesAnyToken('ab', ['a'])).toBe(false);
  });

  it('accepts nothing when no token is configured', () => {
    expect(matchesAnyToken('a', [])).toBe(false);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer abc')).toBe('abc');
  });

  it('refuses other schemes and malformed headers', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcg==')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });
});
