import {
  BindingCode,
  bindingCodeHint,
  bindingCodeStatus,
  CODE_ALPHABET,
  CODE_LENGTH,
  generateBindingCode,
  hashBindingCode,
} from './binding-code';

const code = (over: Partial<BindingCode> = {}): BindingCode => ({
  id: 'c1',
  organizationId: 'o1',
  codeHash: hashBindingCode('ABCDEFGHJK'),
  hint: '…HJK',
  createdAt: 1_000,
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  ...over,
});

describe('binding codes', () => {
  it('are typeable: 10 characters without look-alikes, different every time', () => {
    const codes = new Set(Array.from({ length: 200 }, generateBindingCode));
    expect(codes.size).toBe(200);
    for (const value of codes) {
      expect(value).toHaveLength(CODE_LENGTH);
      expect([...value].every((c) => CODE_ALPHABET.includes(c))).toBe(true);
      expect(value).not.toMatch(/[01OIL]/);
    }
  });

  it('hash the code as typed, whatever the case, spaces or dashes', () => {
    expect(hashBindingCode('abcde-fghjk')).toBe(hashBindingCode('ABCDEFGHJK'));
    expect(hashBindingCode('ABCDE FGHJK')).toBe(hashBindingCode('ABCDEFGHJK'));
    expect(hashBindingCode('ABCDEFGHJM')).not.toBe(hashBindingCode('ABCDEFGHJK'));
    expect(hashBindingCode('ABCDEFGHJK')).toMatch(/^[0-9a-f]{64}$/);
    expect(bindingCodeHint('abcdefghjk')).toBe('…HJK');
  });

  it('are active until they expire or are revoked', () => {
    expect(bindingCodeStatus(code(), 5_000)).toBe('active');
    expect(bindingCodeStatus(code({ expiresAt: 6_000 }), 5_000)).toBe('active');
    expect(bindingCodeStatus(code({ expiresAt: 5_000 }), 5_000)).toBe('expired');
    expect(bindingCodeStatus(code({ revokedAt: 4_000, expiresAt: 1 }), 5_000)).toBe('revoked');
  });
});
