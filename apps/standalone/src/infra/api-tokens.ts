import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiTokenProblem } from '@dock/platform';

export const API_TOKENS_FILE = 'api-tokens.json';

/** The embedded mode's generated API tokens, as DATA_DIR/api-tokens.json keeps them. */
export interface EmbeddedApiTokens {
  /** The default organization's token (API_TOKENS=<default organization>:<it>). */
  readonly organization: string;
  /** The admin token (ADMIN_API_TOKENS): organization management. */
  readonly admin: string;
  /** true on the start that generated them (the banner shows them that once). */
  readonly created: boolean;
  readonly file: string;
}

/**
 * The default organization's API token and an admin token of the embedded mode: generated at
 * random on the first start and kept in DATA_DIR (owner-only, 0600), so `npm start` needs no
 * configuration and no token is ever built into the source. API_TOKENS / ADMIN_API_TOKENS, when
 * set, are used instead (see standalone.ts). Rotate: stop, delete the file, start (new tokens).
 */
export async function embeddedApiTokens(dataDir: string): Promise<EmbeddedApiTokens> {
  const file = path.join(dataDir, API_TOKENS_FILE);
  const existing = await readTokens(file);
  if (existing) return { ...existing, created: false, file };
  const tokens = { organization: generate(), admin: generate() };
  try {
    await writeFile(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return { ...tokens, created: true, file };
  } catch (error) {
    // Another start wrote it first (the data-directory lock makes this rare): use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const written = await readTokens(file);
      if (written) return { ...written, created: false, file };
    }
    throw error;
  }
}

function generate(): string {
  return randomBytes(32).toString('base64url');
}

async function readTokens(
  file: string,
): Promise<{ organization: string; admin: string } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // A truncated or hand-edited file is not trusted silently: the start fails naming it.
  let parsed: { organization?: unknown; admin?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new Error(`${file} is not JSON; delete it to generate new API tokens`);
  }
  const { organization, admin } = parsed;
  if (
    typeof organization !== 'string' ||
    typeof admin !== 'string' ||
    apiTokenProblem(organization) !== undefined ||
    apiTokenProblem(admin) !== undefined ||
    organization === admin
  ) {
    throw new Error(`${file} holds no usable API tokens; delete it to generate new ones`);
  }
  return { organization, admin };
}
