import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ApiEndpoint, SystemUnderTest } from '../../../test/e2e/support/system-under-test';

/**
 * The embedded mode as a SystemUnderTest for the end-to-end scenarios: the built
 * `dist/apps/standalone/main.js` (what `npm start` runs) in a child process, on free ports,
 * with a data directory of its own. Ports and URLs are read from the banner it prints.
 */
export interface EmbeddedSystem extends SystemUnderTest {
  readonly httpUrl: string;
  readonly dataDir: string;
  /** The MQTT version docks must speak: 4 (3.1.1) on the embedded broker. */
  readonly mqttProtocolVersion: 4 | 5;
  readonly output: () => string;
  /** DATA_DIR/credentials.json as the system wrote it (organization, MQTT login, API). */
  readonly credentials: EmbeddedCredentials;
  readonly mqttLogin: { readonly username: string; readonly password: string };
  readonly organization: { readonly id: string; readonly bindingCode: string };
}

export interface EmbeddedCredentials {
  readonly organization: { id: string; name: string; binding_code: string };
  readonly mqtt: { url: string; username: string; password: string };
  readonly api?: { url: string; token: string };
}

export interface EmbeddedSystemOptions {
  /** Environment for the process (on top of this one's, less infrastructure URLs). */
  readonly env?: Record<string, string>;
  /** Reuse a data directory (a restart); default: a new temporary one. */
  readonly dataDir?: string;
  /** The dock SN prefix of the run; default: a new one. */
  readonly snPrefix?: string;
  /**
   * Run apps/standalone/src/main.ts with @swc-node/register instead of the built bundle: for
   * tests outside the e2e project, which do not build first (a slower start, no build).
   */
  readonly fromSource?: boolean;
}

const ROOT = path.resolve(__dirname, '../../..');
const BUNDLE = path.join(ROOT, 'dist/apps/standalone/main.js');
const FROM_SOURCE = ['-r', '@swc-node/register', 'apps/standalone/src/main.ts'];
const INFRA = [
  'KAFKA_BROKERS',
  'REDIS_URL',
  'DATABASE_URL',
  'MQTT_URL',
  'HTTP_PORT',
  'MQTT_PORT',
  'MEDIA_S3_PORT',
  'MEDIA_STORAGE_ENDPOINT',
];

/** Starts the process and resolves once it printed its banner and /health/ready is 200. */
export async function startEmbeddedSystem(
  options: EmbeddedSystemOptions = {},
): Promise<EmbeddedSystem> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'embedded-e2e-'));
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of INFRA) delete env[name];
  const child = spawnProcess(
    {
      ...env,
      HTTP_PORT: '0',
      MQTT_PORT: '0',
      MEDIA_S3_PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      ...options.env,
    },
    options.fromSource ? FROM_SOURCE : [BUNDLE],
  );
  const http = await child.waitFor(/HTTP API\s+(http:\/\/\S+)/, 120_000);
  const mqtt = await child.waitFor(/--mqtt-url (\S+)/, 5_000);
  const external = child.output().includes('(external broker, MQTT_URL)');
  await waitForReady(http, child);
  // The default organization's token, as the embedded mode generated it on its first start (or
  // took it from API_TOKENS) and wrote it into DATA_DIR/credentials.json for scripts like this.
  const token = await defaultOrganizationToken(dataDir);
  const credentials = JSON.parse(
    readFileSync(path.join(dataDir, 'credentials.json'), 'utf8'),
  ) as EmbeddedCredentials;
  const api: ApiEndpoint = { baseUrl: http, token };
  return {
    name: external ? 'embedded (external MQTT broker)' : 'embedded',
    httpUrl: http,
    dataDir,
    mqttUrl: mqtt,
    mqttProtocolVersion: external ? 5 : 4,
    credentials,
    mqttLogin: { username: credentials.mqtt.username, password: credentials.mqtt.password },
    organization: {
      id: credentials.organization.id,
      bindingCode: credentials.organization.binding_code,
    },
    missionApi: api,
    telemetryApi: api,
    fileApi: api,
    mediaApi: api,
    snPrefix: options.snPrefix ?? `EMB${randomBytes(3).toString('hex').toUpperCase()}`,
    output: child.output,
    diagnostics: (needles, limit) =>
      child
        .output()
        .split('\n')
        .filter((line) => needles.some((needle) => line.includes(needle)))
        .slice(-limit)
        .join('\n'),
    stop: child.stop,
  };
}

/** Runs the bundle to its end (a start that must fail): exit code and output. */
export async function runEmbeddedToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const name of INFRA) delete base[name];
  const child = spawnProcess({ ...base, ...env });
  const code = await child.exited;
  return { code, output: child.output() };
}

interface Spawned {
  output(): string;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

function spawnProcess(
  env: Record<string, string | undefined>,
  args: readonly string[] = [BUNDLE],
): Spawned {
  const child: ChildProcess = spawn(process.execPath, [...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 4_000_000) output = output.slice(-2_000_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let stopping: Promise<void> | undefined;
  return {
    output: () => output,
    exited,
    waitFor: async (pattern, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match[1];
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`the embedded system did not print ${pattern}:\n${output.slice(-5_000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await exited;
      })();
      return stopping;
    },
  };
}

async function waitForReady(baseUrl: string, child: Spawned): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await fetch(`${baseUrl}/health/ready`)
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`/health/ready never answered 200:\n${child.output().slice(-5_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** api.token of DATA_DIR/credentials.json: the default organization's API token. */
async function defaultOrganizationToken(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'credentials.json');
  const credentials = JSON.parse(await readFile(file, 'utf8')) as { api?: { token?: unknown } };
  const token = credentials.api?.token;
  if (typeof token !== 'string') throw new Error(`${file} has no api.token`);
  return token;
}
