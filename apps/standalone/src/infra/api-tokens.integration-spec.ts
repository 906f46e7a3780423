import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { API_TOKENS_FILE, embeddedApiTokens } from './api-tokens';

describe('embeddedApiTokens', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'api-tokens-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates both tokens on the first start and keeps them, owner-only, for the next', async () => {
    const first = await embeddedApiTokens(dir);
    expect(first.created).toBe(true);
    expect(first.organization.length).toBeGreaterThanOrEqual(32);
    expect(first.admin.length).toBeGreaterThanOrEqual(32);
    expect(first.admin).not.toBe(first.organization);
    const again = await embeddedApiTokens(dir);
    expect(again).toMatchObject({
      organization: first.organization,
      admin: first.admin,
      created: false,
    });
    const file = path.join(dir, API_TOKENS_FILE);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      organization: first.organization,
      admin: first.admin,
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const other = await mkdtemp(path.join(os.tmpdir(), 'api-tokens-'));
    try {
      expect((await embeddedApiTokens(other)).organization).not.toBe(first.organization);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('refuses a file that holds no usable tokens, naming the file', async () => {
    const file = path.join(dir, API_TOKENS_FILE);
    await writeFile(file, '{"organization": "short", "admin": "x"}\n');
    await expect(embeddedApiTokens(dir)).rejects.toThrow(`${file} holds no usable API tokens`);
    await writeFile(file, 'not json');
    await expect(embeddedApiTokens(dir)).rejects.toThrow(`${file} is not JSON`);
  });
});
