import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { embeddedSigningKey, SIGNING_KEY_FILE } from './signing-key';

describe('embeddedSigningKey', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'signing-key-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates a random key on the first start and keeps it, owner-only, for the next', async () => {
    const first = await embeddedSigningKey(dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(await embeddedSigningKey(dir)).toBe(first);
    const file = path.join(dir, SIGNING_KEY_FILE);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const other = await mkdtemp(path.join(os.tmpdir(), 'signing-key-'));
    try {
      expect(await embeddedSigningKey(other)).not.toBe(first);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('refuses a key file that holds no usable key, naming the file', async () => {
    await writeFile(path.join(dir, SIGNING_KEY_FILE), 'short\n');
    await expect(embeddedSigningKey(dir)).rejects.toThrow(SIGNING_KEY_FILE);
  });
});
