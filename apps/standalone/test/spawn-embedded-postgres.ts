import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export interface EmbeddedPostgresProcess {
  readonly urls: Record<string, string>;
  /** SIGTERM, and waits for a clean close (the data is on disk after). */
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../../..');

/** Starts apps/standalone/test/embedded-postgres-process.ts and waits for its URLs. */
export function spawnEmbeddedPostgres(
  dataDir: string,
  names: readonly string[],
): Promise<EmbeddedPostgresProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      'apps/standalone/test/embedded-postgres-process.ts',
      dataDir,
      ...names,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('{'));
      if (!line) return;
      const { urls } = JSON.parse(line) as { urls: Record<string, string> };
      resolve({
        urls,
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
