import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import { eventually } from '../../../test/support/eventually';
import { API_TOKENS_FILE } from './infra/api-tokens';
import { CREDENTIALS_FILE, Credentials } from './onboarding';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');
const INFRA = ['KAFKA_BROKERS', 'REDIS_URL', 'DATABASE_URL', 'MQTT_URL'];

interface Started {
  child: ChildProcess;
  httpUrl: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * `npm start` from source (PGlite needs a process of its own, not jest's VM), every part
 * embedded, on free ports and a data directory of the test's own.
 */
function startEmbedded(
  dataDir: string,
  extra: Record<string, string | undefined> = {},
): Promise<Started> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of INFRA) delete env[name];
  // Nothing configured: the embedded mode makes its own API tokens.
  delete env.API_TOKENS;
  delete env.ADMIN_API_TOKENS;
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'apps/standalone/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...env,
        HTTP_PORT: '0',
        MQTT_PORT: '0',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        ...extra,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded mode exited (${code}):\n${output}`)));
    const timer = setInterval(() => {
      const http = /HTTP API\s+(http:\/\/\S+)/.exec(output);
      if (!http || !/binding code\s+\S+/.test(output)) return;
      clearInterval(timer);
      resolve({
        child,
        httpUrl: http[1],
        output: () => output,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    }, 100);
    child.once('exit', () => clearInterval(timer));
  });
}

/**
 * The embedded mode on first start: the default organization, a binding code in the banner and
 * in DATA_DIR/credentials.json (0600), and the registry's REST API; on restart the same code.
 */
describe('embedded mode onboarding', () => {
  let dataDir: string;
  let running: Started | undefined;

  /** The tokens the first start generated (DATA_DIR/api-tokens.json). */
  let generated: { organization: string; admin: string };

  const api = async (p: string, token: string | null = generated.organization) => {
    const response = await fetch(`${running!.httpUrl}${p}`, {
      headers: token === null ? {} : { Authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'embedded-onboarding-'));
  });

  afterAll(async () => {
    await running?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the default organization, a binding code, API tokens and credentials.json (0600)', async () => {
    running = await startEmbedded(dataDir);
    const file = path.join(dataDir, CREDENTIALS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const tokensFile = path.join(dataDir, API_TOKENS_FILE);
    expect((await stat(tokensFile)).mode & 0o777).toBe(0o600);
    generated = JSON.parse(await readFile(tokensFile, 'utf8')) as typeof generated;
    expect(generated.organization).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generated.admin).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const credentials = JSON.parse(await readFile(file, 'utf8')) as Credentials;
    expect(credentials).toEqual({
      organization: {
        id: DEFAULT_ORGANIZATION_ID,
        name: DEFAULT_ORGANIZATION_NAME,
        binding_code: expect.stringMatching(/^[2-9A-HJKMNP-Z]{10}$/),
      },
      mqtt: {
        url: expect.stringMatching(/^mqtt:\/\/127\.0\.0\.1:\d+$/),
        username: expect.stringMatching(/\S/),
        password: expect.stringMatching(/^\S{16,}$/),
      },
      api: { url: running.httpUrl, token: generated.organization },
    });
    // Shown once, on the start that generated them.
    expect(running.output()).toContain(`organization   ${generated.organization}`);
    expect(running.output()).toContain(`admin          ${generated.admin}`);
    expect(running.output()).toContain(`organization   ${DEFAULT_ORGANIZATION_ID}`);
    expect(running.output()).toContain(`binding code   ${credentials.organization.binding_code}`);

    await eventually(async () => {
      expect(await api(`/organizations/${DEFAULT_ORGANIZATION_ID}/devices`)).toEqual({
        status: 200,
        body: [],
      });
    });
    expect((await api('/devices/NO-SUCH-DOCK')).status).toBe(404);
    const codes = await api(`/organizations/${DEFAULT_ORGANIZATION_ID}/binding-codes`);
    expect(codes.body).toEqual([expect.objectContaining({ status: 'active' })]);

    // The API is never open: no token 401; organization management is the admin token's.
    expect((await api('/tasks', null)).status).toBe(401);
    expect((await api('/organizations')).status).toBe(403);
    const organizations = await api('/organizations', generated.admin);
    expect(organizations.status).toBe(200);
    expect(organizations.body).toEqual([expect.objectContaining({ id: DEFAULT_ORGANIZATION_ID })]);
    // The default organization's token reads its own organization, no other.
    expect((await api(`/organizations/${DEFAULT_ORGANIZATION_ID}`)).status).toBe(200);
    expect((await api('/organizations/6f1c2b9e-3d4a-4b5c-9d8e-7f6a5b4c3d2e')).status).toBe(404);
  });

  it('keeps the file and the code on restart', async () => {
    const file = path.join(dataDir, CREDENTIALS_FILE);
    const code = (JSON.parse(await readFile(file, 'utf8')) as Credentials).organization
      .binding_code;
    await running!.stop();
    running = await startEmbedded(dataDir);
    const after = JSON.parse(await readFile(file, 'utf8')) as Credentials;
    expect(after.organization.binding_code).toBe(code);
    expect(after.api?.token).toBe(generated.organization);
    expect(running.output()).toContain(`binding code   ${code}`);
    // The same tokens, not shown again.
    expect(running.output()).not.toContain(generated.organization);
    expect(running.output()).not.toContain(generated.admin);
    expect((await api('/tasks')).status).toBe(200);
    const codes = await api(`/organizations/${DEFAULT_ORGANIZATION_ID}/binding-codes`);
    expect(codes.body).toHaveLength(1);
  });

  it('refuses AUTH_DISABLED unless NODE_ENV=development is set explicitly', async () => {
    const other = await mkdtemp(path.join(os.tmpdir(), 'embedded-auth-disabled-'));
    try {
      await expect(
        startEmbedded(other, { AUTH_DISABLED: 'true', NODE_ENV: undefined }),
      ).rejects.toThrow(/AUTH_DISABLED: may be true only when NODE_ENV=development/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
