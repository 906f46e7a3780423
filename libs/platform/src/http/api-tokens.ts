import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who a request is, as its bearer token says (see README.md "Authentication"):
 * - `organization`: a token of API_TOKENS (`<organization id>:<token>`). It acts in that
 *   organization and no other; X-Organization-Id cannot widen it.
 * - `admin`: a token of ADMIN_API_TOKENS. It manages organizations (routes marked
 *   @AdminOnly()) and acts in the organization a request names with X-Organization-Id (a
 *   service calling another on an organization's behalf, e.g. mission -> file).
 * - `anonymous`: AUTH_DISABLED (NODE_ENV=development only): everything passes.
 */
export type ApiPrincipal =
  | { readonly role: 'organization'; readonly organizationId: string }
  | { readonly role: 'admin' }
  | { readonly role: 'anonymous' };

/** One entry of API_TOKENS. */
export interface OrganizationToken {
  readonly organizationId: string;
  readonly token: string;
}

/** Organization ids are UUIDs today; the check stays wider (a bounded id of safe characters). */
export const ORGANIZATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A token is a secret: long enough not to be guessed, printable, no comma (the list separator). */
export const MIN_API_TOKEN_LENGTH = 16;
const TOKEN_CHARACTERS = /^[\x21-\x2b\x2d-\x7e]+$/;
const MAX_API_TOKEN_LENGTH = 512;

/** Why `token` cannot be an API token, or undefined when it can. */
export function apiTokenProblem(token: string): string | undefined {
  if (token.length < MIN_API_TOKEN_LENGTH) {
    return `a token must be at least ${MIN_API_TOKEN_LENGTH} characters (generate one: openssl rand -base64 32)`;
  }
  if (token.length > MAX_API_TOKEN_LENGTH)
    return `a token must be at most ${MAX_API_TOKEN_LENGTH} characters`;
  if (!TOKEN_CHARACTERS.test(token))
    return 'a token must be printable ASCII without spaces or commas';
  return undefined;
}

/** `<organization id>:<token>` -> the entry, or why not (the problem never repeats the token). */
export function parseOrganizationToken(
  entry: string,
): { ok: true; value: OrganizationToken } | { ok: false; problem: string } {
  const colon = entry.indexOf(':');
  if (colon < 0) return { ok: false, problem: 'each entry must be <organization id>:<token>' };
  const organizationId = entry.slice(0, colon);
  const token = entry.slice(colon + 1);
  if (!ORGANIZATION_ID_PATTERN.test(organizationId)) {
    return {
      ok: false,
      problem: 'the organization id before ":" must be 1..64 characters of A-Z, a-z, 0-9, _ and -',
    };
  }
  const problem = apiTokenProblem(token);
  if (problem) return { ok: false, problem: `organization ${organizationId}: ${problem}` };
  return { ok: true, value: { organizationId, token } };
}

interface Entry {
  readonly digest: Buffer;
  readonly token: string;
  readonly principal: ApiPrincipal;
}

/**
 * The accepted tokens of one service and whom each one stands for. Every lookup hashes the
 * presented token and compares it with timingSafeEqual against every accepted token, so the
 * time taken says nothing about how much of a token, or which one, matched.
 */
export class ApiTokens {
  private readonly entries: readonly Entry[];

  constructor(organizationTokens: readonly OrganizationToken[], adminTokens: readonly string[]) {
    this.entries = [
      ...organizationTokens.map(({ organizationId, token }) => ({
        digest: sha256(token),
        token,
        principal: { role: 'organization', organizationId } as const,
      })),
      ...adminTokens.map((token) => ({
        digest: sha256(token),
        token,
        principal: { role: 'admin' } as const,
      })),
    ];
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whom the presented token stands for, or undefined when it is not accepted. */
  authenticate(presented: string): ApiPrincipal | undefined {
    const digest = sha256(presented);
    let found: ApiPrincipal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(digest, entry.digest)) found ??= entry.principal;
    }
    return found;
  }

  /**
   * Every accepted token with its principal: for credentials derived from a token (telemetry's
   * stream tickets are HMACs keyed with the token that asked for them).
   */
  signers(): readonly { readonly token: string; readonly principal: ApiPrincipal }[] {
    return this.entries;
  }
}

/** Whether `principal` may act in `organizationId` (an admin and AUTH_DISABLED may act in any). */
export function mayActIn(principal: ApiPrincipal, organizationId: string): boolean {
  return principal.role !== 'organization' || principal.organizationId === organizationId;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
