import { createHash, randomInt } from 'node:crypto';

/**
 * Binding codes: what an operator types into Pilot 2 with the organization id. Ten characters
 * from an alphabet without look-alikes (no 0/O, 1/I/L): 31^10, about 49 bits, drawn with a
 * CSPRNG. Only a SHA-256 of the code is stored; the code is shown once, when it is issued.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;

export type BindingCodeStatus = 'active' | 'expired' | 'revoked';

export interface BindingCode {
  readonly id: string;
  readonly organizationId: string;
  readonly codeHash: string;
  /** The last three characters, to tell codes apart in a list without showing them. */
  readonly hint: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly lastUsedAt: number | null;
}

export function generateBindingCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What the operator typed, as stored: upper case, without spaces or dashes. */
export function normaliseBindingCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

export function hashBindingCode(code: string): string {
  return createHash('sha256').update(normaliseBindingCode(code)).digest('hex');
}

export function bindingCodeHint(code: string): string {
  return `…${normaliseBindingCode(code).slice(-3)}`;
}

export function bindingCodeStatus(code: BindingCode, now: number): BindingCodeStatus {
  if (code.revokedAt !== null) return 'revoked';
  if (code.expiresAt !== null && code.expiresAt <= now) return 'expired';
  return 'active';
}
