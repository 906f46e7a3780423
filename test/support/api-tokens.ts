import { randomBytes } from 'node:crypto';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';

/** A fresh API token: tests generate theirs per run, as operators must (no constant secrets). */
export function generatedToken(label = 'test'): string {
  return `${label}-${randomBytes(24).toString('base64url')}`;
}

/**
 * The API credentials of one test run: a token per organization (the default one always) and
 * an admin token, with the service settings that accept them (API_TOKENS, ADMIN_API_TOKENS).
 */
export class TestApiTokens {
  readonly admin = generatedToken('admin');
  private readonly tokens = new Map<string, string>();

  constructor(organizations: readonly string[] = []) {
    for (const organizationId of [DEFAULT_ORGANIZATION_ID, ...organizations]) {
      if (!this.tokens.has(organizationId)) this.tokens.set(organizationId, generatedToken('org'));
    }
  }

  /** The token of `organizationId` (the default organization's when omitted). */
  of(organizationId: string = DEFAULT_ORGANIZATION_ID): string {
    const token = this.tokens.get(organizationId);
    if (token === undefined) throw new Error(`no test token for organization ${organizationId}`);
    return token;
  }

  /** API_TOKENS and ADMIN_API_TOKENS for a service that accepts these tokens. */
  get env(): { API_TOKENS: string; ADMIN_API_TOKENS: string } {
    return {
      API_TOKENS: [...this.tokens].map(([org, token]) => `${org}:${token}`).join(','),
      ADMIN_API_TOKENS: this.admin,
    };
  }
}
