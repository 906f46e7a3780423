import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { ReplicaGroup } from './gateway-harness';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/**
 * A gateway replica of `replicas` as a process of its own (replica-process.ts), so a test can
 * SIGKILL it; resolves once it is started. The caller kills what it spawned (`children`).
 */
export function spawnReplica(
  replicas: ReplicaGroup,
  instance: string,
  children: ChildProcess[],
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(__dirname, 'replica-process.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...replicas.env,
        GATEWAY_INSTANCE_ID: `${replicas.run}-${instance}`,
        GATEWAY_TEST_TOPICS: JSON.stringify(replicas.topics),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('READY\n')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`replica ${instance} exited with ${code}`)));
  });
}
