import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { eventually } from '../../support/eventually';

/**
 * One built app running as its own process (`node dist/apps/<app>/main.js`), as in production:
 * its JSON log goes to a file (and the last lines stay in memory for failure reports), it is
 * ready once `/health/ready` answers 200, and it is stopped with SIGTERM, then SIGKILL.
 */

export const repoRoot = path.resolve(__dirname, '../../..');

/** Lines of log kept in memory per process (the whole log is in the file). */
const TAIL_LINES = 2_000;

export interface ServiceProcess {
  readonly app: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** The last log lines (at most `limit`), optionally only those containing one of `needles`. */
  tail(limit: number, needles?: readonly string[]): string[];
  /** SIGTERM; SIGKILL after `graceMs`. Resolves with the exit code (null when killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** A TCP port free right now on loopback (the OS picks it; closed before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

export function builtMain(app: string): string {
  const main = path.join(repoRoot, 'dist/apps', app, 'main.js');
  if (!existsSync(main)) {
    throw new Error(`${main} is missing: build the apps first (node scripts/build-all.js)`);
  }
  return main;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Starts `app` on `port` with `env` (added to this process's environment) and waits until it
 * answers `/health/ready` with 200. A process that exits before that rejects with its log tail.
 */
export async function startServiceProcess(options: {
  app: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
  readyTimeoutMs?: number;
}): Promise<ServiceProcess> {
  const { app, port, logDir } = options;
  const logFile = path.join(logDir, `${app}.log`);
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' });
  const lines: string[] = [];
  let partial = '';
  const remember = (chunk: Buffer): void => {
    log.write(chunk);
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (line.length > 0) lines.push(line);
    if (lines.length > TAIL_LINES) lines.splice(0, lines.length - TAIL_LINES);
  };
  const child = spawn(process.execPath, [builtMain(app)], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env, HTTP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const exited = exitOf(child);
  void exited.then(() => log.end());

  const tail = (limit: number, needles?: readonly string[]): string[] => {
    const all = partial.length > 0 ? [...lines, partial] : lines;
    const chosen =
      needles === undefined || needles.length === 0
        ? all
        : all.filter((line) => needles.some((needle) => line.includes(needle)));
    return chosen.slice(-limit);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (graceMs = 10_000): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  let exitedEarly: number | null | undefined;
  void exited.then((code) => (exitedEarly = code));
  try {
    await eventually(
      async () => {
        if (exitedEarly !== undefined) return; // checked below, outside the retry loop
        const response = await fetch(`${baseUrl}/health/ready`, {
          signal: AbortSignal.timeout(2_000),
        });
        const body = await response.text();
        if (response.status !== 200)
          throw new Error(`${app} not ready: ${response.status} ${body}`);
      },
      { timeoutMs: options.readyTimeoutMs ?? 60_000, intervalMs: 200 },
    );
  } catch (error) {
    await stop(2_000);
    throw new Error(`${String(error)}\n--- ${app} log (last 40 lines) ---\n${tail(40).join('\n')}`);
  }
  if (exitedEarly !== undefined) {
    throw new Error(
      `${app} exited with ${String(exitedEarly)} before it was ready\n--- ${app} log ---\n${tail(60).join('\n')}`,
    );
  }
  return { app, port, baseUrl, logFile, child, tail, stop };
}
