import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import { eventually } from '../../../test/support/eventually';
import { CREDENTIALS_FILE, Credentials } from './onboarding';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');
const TOKEN = 'embedded-onboarding-test-token';
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
function startEmbedded(dataDir: string): Promise<Started> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of INFRA) delete env[name];
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
        API_TOKENS: TOKEN,
        DATA_DIR: dataDir,
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

  const api = async (p: string) => {
    const response = await fetch(`${running!.httpUrl}${p}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
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

  it('creates the default organization, a binding code and credentials.json (0600)', async () => {
    running = await startEmbedded(dataDir);
    const file = path.join(dataDir, CREDENTIALS_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(await readFile(file, 'utf8')) as Credentials;
    expect(credentials).toEqual({
      organization: {
        id: DEFAULT_ORGANIZATION_ID,
        name: DEFAULT_ORGANIZATION_NAME,
        binding_code: expect.stringMatching(/^[2-9A-HJKMNP-Z]{10}$/),
      },
      api: { url: running.httpUrl, token: TOKEN },
    });
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
  });

  it('keeps the file and the code on restart', async () => {
    const file = path.join(dataDir, CREDENTIALS_FILE);
    const code = (JSON.parse(await readFile(file, 'utf8')) as Credentials).organization
      .binding_code;
    await running!.stop();
    running = await startEmbedded(dataDir);
    const after = JSON.parse(await readFile(file, 'utf8')) as Credentials;
    expect(after.organization.binding_code).toBe(code);
    expect(running.output()).toContain(`binding code   ${code}`);
    const codes = await api(`/organizations/${DEFAULT_ORGANIZATION_ID}/binding-codes`);
    expect(codes.body).toHaveLength(1);
  });
});
