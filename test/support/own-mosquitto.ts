import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';
import { accepts, freePort, MOSQUITTO_BIN } from './tls-mosquitto';

/**
 * A plain Mosquitto of the test's own on an ephemeral loopback port, with password
 * authentication: one user whose password is generated here. The shared broker on 1883 is not
 * touched, and no other gateway's shared subscription splits this test's messages.
 */
export interface OwnMosquitto {
  readonly port: number;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startOwnMosquitto(extraConfig: string[] = []): Promise<OwnMosquitto> {
  const dir = mkdtempSync(path.join(tmpdir(), 'own-mosquitto-'));
  const port = await freePort();
  const username = `gw-${randomBytes(3).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  const passwordFile = path.join(dir, 'passwords');
  writeFileSync(passwordFile, '');
  execFileSync('mosquitto_passwd', ['-b', passwordFile, username, password], { stdio: 'ignore' });
  const config = [
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'persistence false',
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    `password_file ${passwordFile}`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ...extraConfig,
    '',
  ].join('\n');
  const configFile = path.join(dir, 'mosquitto.conf');
  writeFileSync(configFile, config);
  let output = '';
  const child: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
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
    port,
    url: `mqtt://127.0.0.1:${port}`,
    username,
    password,
    output: () => output,
    stop,
  };
}
