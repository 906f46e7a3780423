import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `presented` equals one of `accepted`. Both sides are hashed to a fixed length and
 * compared with timingSafeEqual, and every accepted token is compared, so the time taken says
 * nothing about how much of a token, or which one, matched.
 */
export function matchesAnyToken(presented: string, accepted: readonly string[]): boolean {
  const digest = sha256(presented);
  let matched = false;
  for (const token of accepted) {
    if (timingSafeEqual(digest, sha256(token))) matched = true;
  }
  return matched;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
