import { randomBytes } from 'node:crypto';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { eventually } from '../support/eventually';

/**
 * Each built app, started as in production (its own process, `node dist/apps/<app>/main.js`),
 * answers health and metrics against the real infrastructure, refuses bad configuration by
 * naming the variable, and stops cleanly on SIGTERM. `npm run test:e2e` builds the apps first.
 */
const root = path.resolve(__dirname, '../..');
const apps = ['gateway', 'mission', 'telemetry', 'file', 'registry', 'alerts'] as const;

interface Started {
  child: ChildProcess;
  port: number;
  output: () => string;
}

function startApp(app: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [path.join(root, 'dist/apps', app, 'main.js')], {
    cwd: root,
    env: { ...process.env, HTTP_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${app} did not listen:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /"port":(\d+),"msg":"listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), output: () => output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${app} exited with ${code} before listening:\n${output}`));
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Secrets an app refuses to start without: generated per run, never constants. */
const REQUIRED_SECRETS: Record<string, Record<string, string>> = {
  file: { FILE_URL_SIGNING_KEY: randomBytes(32).toString('base64url') },
};

describe.each(apps)('the %s app', (app) => {
  beforeAll(() => {
    if (!existsSync(path.join(root, 'dist/apps', app, 'main.js'))) {
      throw new Error(`dist/apps/${app}/main.js is missing: run npm run build first`);
    }
  });

  it('answers live, ready and metrics, and drains on SIGTERM', async () => {
    const started = await startApp(app, REQUIRED_SECRETS[app]);
    try {
      const base = `http://127.0.0.1:${started.port}`;
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      await eventually(
        async () => {
          const ready = await fetch(`${base}/health/ready`);
          expect({ status: ready.status, body: await ready.json() }).toMatchObject({ status: 200 });
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      const metrics = await fetch(`${base}/metrics`);
      expect(await metrics.text()).toContain(`service="${app}"`);
      // Every log line is JSON.
      for (const line of started.output().split('\n').filter(Boolean)) {
        expect(() => JSON.parse(line)).not.toThrow();
      }
    } finally {
      started.child.kill('SIGTERM');
    }
    expect(await exitOf(started.child)).toBe(0);
    expect(started.output()).toContain('"msg":"stopped"');
  });

  it('refuses to start on bad configuration, naming the variable', async () => {
    const child = spawn(process.execPath, [path.join(root, 'dist/apps', app, 'main.js')], {
      cwd: root,
      env: { ...process.env, HTTP_PORT: 'not-a-port', KAFKA_BROKERS: 'no port here' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitOf(child)).toBe(78);
    expect(stderr).toContain('HTTP_PORT');
    expect(stderr).toContain('KAFKA_BROKERS');
  });
});

describe('a service that cannot start', () => {
  it('exits non-zero, saying why, so the orchestrator sees a crash', async () => {
    // Migrations left to a Job that has not run: the service must refuse its empty schema.
    const schema = `e2e_unmigrated_${Date.now().toString(36)}`;
    const child = spawn(process.execPath, [path.join(root, 'dist/apps/mission/main.js')], {
      cwd: root,
      env: {
        ...process.env,
        HTTP_PORT: '0',
        LOG_LEVEL: 'info',
        DATABASE_SCHEMA: schema,
        DATABASE_MIGRATIONS: 'skip',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await exitOf(child)).toBe(1);
    expect(output).toContain('"msg":"failed to start"');
    expect(output).toContain('DATABASE_MIGRATIONS');
    expect(output).not.toContain('"msg":"listening"');
  });
});
