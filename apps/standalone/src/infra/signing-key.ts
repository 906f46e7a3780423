import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const SIGNING_KEY_FILE = 'file-url-signing-key';

/**
 * The download-link signing key of the embedded mode: generated at random on the first start
 * and kept in DATA_DIR (owner-only), so links stay valid across restarts and no key is ever
 * built into the source. FILE_URL_SIGNING_KEY, when set, is used instead.
 */
export async function embeddedSigningKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  const existing = await readKey(file);
  if (existing) return existing;
  const key = randomBytes(32).toString('base64url');
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another start wrote it first (the data-directory lock makes this rare): use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const written = await readKey(file);
      if (written) return written;
    }
    throw error;
  }
}

async function readKey(file: string): Promise<string | undefined> {
  try {
    const key = (await readFile(file, 'utf8')).trim();
    // A truncated or hand-edited file is not trusted silently: the start fails naming it.
    if (key.length < 32) throw new Error(`${file} holds no usable key (32+ characters); delete it`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
