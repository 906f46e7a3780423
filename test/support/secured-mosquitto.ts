import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';
import { MOSQUITTO_BIN } from './tls-mosquitto';

/**
 * A Mosquitto of the test's own on a free loopback port, with the configuration lines given
 * (e.g. what `npm run mqtt:mosquitto-acl` wrote to security.conf). The shared one is not touched.
 */
export interface OwnMosquitto {
  readonly url: string;
  output(): string;
  /** SIGHUP: Mosquitto reads its password and ACL files again. */
  reload(): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

export async function startOwnMosquitto(lines: readonly string[]): Promise<OwnMosquitto> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mosquitto-own-'));
  const port = await freePort();
  const configFile = path.join(dir, 'mosquitto.conf');
  writeFileSync(
    configFile,
    [
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      `listener ${port} 127.0.0.1`,
      ...lines,
      '',
    ].join('\n'),
  );
  let output = '';
  const child: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited: ${output}`);
        await accepts(port);
      },
      { timeoutMs: 10_000 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    output: () => output,
    reload: () => child.kill('SIGHUP'),
    stop,
  };
}
