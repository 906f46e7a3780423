import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from './eventually';

/**
 * A Mosquitto of the test's own with TLS listeners on ephemeral loopback ports, and the
 * certificates it needs, made at test time by deploy/compose/emqx/tls/make-dev-certs.sh
 * (openssl) in a temporary directory (never in the repository). The machine's shared Mosquitto on 1883 is not touched.
 *
 *   tlsPort        TLS, the broker's certificate signed by `ca`
 *   mutualTlsPort  the same, and a client certificate signed by `ca` is required
 */
export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

export interface TestPki {
  readonly dir: string;
  /** Signed the broker's and the client's certificates. */
  readonly caFile: string;
  /** Another CA, which signed nothing the broker presents. */
  readonly otherCaFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

export interface TlsMosquitto {
  readonly pki: TestPki;
  readonly tlsPort: number;
  readonly mutualTlsPort: number;
  /** What the broker wrote (errors and warnings), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** The compose stack's certificate script: the test proves what developers run. */
const MAKE_CERTS = path.resolve(__dirname, '../../deploy/compose/emqx/tls/make-dev-certs.sh');

function makeCerts(dir: string): void {
  execFileSync('sh', [MAKE_CERTS, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, a server certificate for 127.0.0.1 and localhost, a client certificate, another CA. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-tls-pki-'));
  makeCerts(dir);
  makeCerts(path.join(dir, 'other'));
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    otherCaFile: path.join(dir, 'other', 'ca.pem'),
    serverCertFile: path.join(dir, 'server.pem'),
    serverKeyFile: path.join(dir, 'server.key'),
    clientCertFile: path.join(dir, 'gateway.pem'),
    clientKeyFile: path.join(dir, 'gateway.key'),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function accepts(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

export async function startTlsMosquitto(): Promise<TlsMosquitto> {
  const pki = makeTestPki();
  const [tlsPort, mutualTlsPort] = [await freePort(), await freePort()];
  const tls = (port: number) => [
    `listener ${port} 127.0.0.1`,
    `cafile ${pki.caFile}`,
    `certfile ${pki.serverCertFile}`,
    `keyfile ${pki.serverKeyFile}`,
  ];
  const config = [
    // Run as root (CI), Mosquitto would switch to its own user, who cannot read the keys here.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    'persistence false',
    'allow_anonymous true',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ...tls(tlsPort),
    ...tls(mutualTlsPort),
    'require_certificate true',
    '',
  ].join('\n');
  const configFile = path.join(pki.dir, 'mosquitto.conf');
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
    rmSync(pki.dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`mosquitto exited: ${output}`);
        await accepts(tlsPort);
        await accepts(mutualTlsPort);
      },
      { timeoutMs: 10_000 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { pki, tlsPort, mutualTlsPort, output: () => output, stop };
}

export function readPem(file: string): string {
  return readFileSync(file, 'utf8');
}
