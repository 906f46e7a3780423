import { ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { sleep } from './proc';

/**
 * The bench's own Mosquitto on a loopback port of its own, so its settings (no queue limit,
 * more messages in flight per session, no persistence) never touch the shared broker on 1883.
 */
export interface BenchBroker {
  readonly url: string;
  readonly pid: number;
  readonly configText: string;
  stop(): Promise<void>;
}

export const BENCH_MOSQUITTO_CONFIG = (port: number, logFile: string): string =>
  [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    // Shared-subscription sessions hold the backlog while the gateway catches up: never drop.
    'max_queued_messages 0',
    'max_queued_bytes 0',
    // QoS 1 messages in flight to one subscriber connection before its PUBACK.
    'max_inflight_messages 64',
    'max_connections -1',
    'set_tcp_nodelay true',
    'max_keepalive 600',
    `log_dest file ${logFile}`,
    'log_type error',
    'log_type warning',
    '',
  ].join('\n');

export async function startBroker(port: number, dir: string): Promise<BenchBroker> {
  if (await portOpen(port)) throw new Error(`port ${port} is taken; set BENCH_MQTT_PORT`);
  const configFile = path.join(dir, 'mosquitto.conf');
  const configText = BENCH_MOSQUITTO_CONFIG(port, path.join(dir, 'mosquitto.log'));
  writeFileSync(configFile, configText);
  const proc: ChildProcess = spawn('mosquitto', ['-c', configFile], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  for (let i = 0; i < 100 && !(await portOpen(port)); i++) await sleep(50);
  if (!(await portOpen(port))) throw new Error('bench Mosquitto did not start (see its log)');
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: proc.pid ?? -1,
    configText,
    stop: async () => {
      proc.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
    },
  };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
