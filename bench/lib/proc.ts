import { ChildProcess, fork } from 'node:child_process';
import { createWriteStream, readFileSync, WriteStream } from 'node:fs';
import path from 'node:path';

/** A message a bench child sends its parent over IPC. */
export interface ChildMessage {
  readonly type: string;
  readonly [field: string]: unknown;
}

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A child process running a TypeScript entry of the bench (through @swc-node/register, which
 * resolves the `@dock/*` paths of tsconfig). stdout/stderr go to a log file; messages arrive
 * over IPC.
 */
export class BenchChild {
  readonly proc: ChildProcess;
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters: { type: string; resolve: (m: ChildMessage) => void }[] = [];
  private readonly log: WriteStream;
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    entry: string,
    options: { env?: Record<string, string>; logDir: string; args?: string[] },
  ) {
    this.log = createWriteStream(path.join(options.logDir, `${name}.log`));
    this.proc = fork(path.join(ROOT, entry), options.args ?? [], {
      cwd: ROOT,
      execArgv: [
        '-r',
        '@swc-node/register',
        '--max-old-space-size=2048',
        ...(process.env.BENCH_CPU_PROF === name
          ? ['--cpu-prof', `--cpu-prof-dir=${options.logDir}`]
          : []),
      ],
      env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.proc.stdout?.pipe(this.log, { end: false });
    this.proc.stderr?.pipe(this.log, { end: false });
    this.proc.on('message', (raw) => {
      const message = raw as ChildMessage;
      const index = this.waiters.findIndex((w) => w.type === message.type);
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        waiter.resolve(message);
      } else {
        this.inbox.push(message);
      }
    });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  send(message: ChildMessage): void {
    if (this.proc.connected) this.proc.send(message);
  }

  /** The next message of this type (or one already received). */
  waitFor<T extends { readonly type: string }>(type: string, timeoutMs: number): Promise<T> {
    const index = this.inbox.findIndex((m) => m.type === type);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as unknown as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.findIndex((w) => w.resolve === done);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`${this.name}: no '${type}' within ${timeoutMs} ms (see its log)`));
      }, timeoutMs);
      const done = (message: ChildMessage): void => {
        clearTimeout(timer);
        resolve(message as unknown as T);
      };
      this.waiters.push({ type, resolve: done });
      void this.exited.then((code) => {
        const at = this.waiters.findIndex((w) => w.resolve === done);
        if (at < 0) return;
        this.waiters.splice(at, 1);
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code}) before '${type}' (see its log)`));
      });
    });
  }

  /** Asks for a graceful stop, then SIGTERM, then SIGKILL. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.proc.exitCode;
    this.send({ type: 'stop' });
    this.proc.kill('SIGTERM');
    const graceful = await Promise.race([
      this.exited,
      sleep(timeoutMs).then(() => 'late' as const),
    ]);
    if (graceful !== 'late') return graceful;
    this.proc.kill('SIGKILL');
    return this.exited;
  }

  waitExit(): Promise<number | null> {
    return this.exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** CPU time (user + system) of a process so far, in ms (Linux /proc). */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat; after the comm they are at 11 and 12.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Measures the CPU share (of one core) of several processes over an interval. */
export class CpuMeter {
  private readonly start = new Map<string, number>();
  private startedAt = 0;
  constructor(private readonly pids: Record<string, number>) {}

  begin(): void {
    this.startedAt = Date.now();
    for (const [name, pid] of Object.entries(this.pids)) this.start.set(name, cpuTimeMs(pid));
  }

  /** Set by end(): the interval measured. */
  elapsedMs = 0;

  /** Per process: percent of one core over the interval (200 = both cores of this machine). */
  end(): Record<string, number> {
    const elapsed = Date.now() - this.startedAt;
    this.elapsedMs = elapsed;
    const shares: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      const used = cpuTimeMs(pid) - (this.start.get(name) ?? Number.NaN);
      shares[name] = Math.round((used / elapsed) * 100);
    }
    return shares;
  }
}

/** Samples RSS of processes every interval; keeps the maximum per process. */
export class RssSampler {
  readonly max: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pids: Record<string, number>) {}

  start(intervalMs = 1000): void {
    const sample = (): void => {
      for (const [name, pid] of Object.entries(this.pids)) {
        const rss = rssMiB(pid);
        if (Number.isFinite(rss)) this.max[name] = Math.max(this.max[name] ?? 0, Math.round(rss));
      }
    };
    sample();
    this.timer = setInterval(sample, intervalMs);
  }

  stop(): Record<string, number> {
    if (this.timer) clearInterval(this.timer);
    return this.max;
  }
}
