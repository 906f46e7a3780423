import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { FromWorker, reviveError, ToWorker, WorkerStart } from './embedded-postgres-protocol';

/** The worker's entry: beside this file from source, beside main.js in the bundle. */
const WORKER_ENTRY = 'embedded-postgres-worker';
/** How the worker loads TypeScript when this runs from source (as `node -r` does here). */
const TS_LOADER = '@swc-node/register';

/**
 * PostgreSQL inside the process: one PGlite (PostgreSQL compiled to WebAssembly) per service,
 * with its data in `<dataDir>/<service>`, served on a loopback port by PgliteWireServer so the
 * service connects with an ordinary DATABASE_URL and runs its usual schema and migrations.
 *
 * One per service rather than one for all: a PGlite is a single session, so connections take
 * turns a transaction at a time, and a service that calls another over HTTP inside its own
 * transaction (mission's scheduler asks the file service for a wayline URL) would otherwise
 * wait for itself. Separate databases are also what the services have in production terms:
 * nothing shared but the bus.
 *
 * All of them run in a worker thread (embedded-postgres-worker.ts), PGlite and the wire servers
 * both: a query runs synchronously inside WebAssembly, and on the main thread every query of
 * every service held up the broker, the gateway's replies and the HTTP API for its duration
 * (docs/performance.md, burst row). The main thread only connects to the ports.
 * If the thread dies, its sockets close (queries fail, nothing waits), it is logged as fatal
 * and `crashed` resolves with the reason.
 */
export class EmbeddedPostgres {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly ports: ReadonlyMap<string, number>,
    /** Resolves (never rejects) if the thread ends without close(): the databases are gone. */
    readonly crashed: Promise<Error>,
  ) {}

  static async start(
    dataDir: string,
    names: readonly string[],
    logger: Logger,
  ): Promise<EmbeddedPostgres> {
    const log = logger.child({ component: 'embedded-postgres' });
    const start: WorkerStart = { dataDir, names: [...names] };
    const { file, execArgv } = workerEntry();
    const worker = new Worker(file, { workerData: start, execArgv });
    let instance: EmbeddedPostgres | undefined;
    let crash: (error: Error) => void = () => undefined;
    const crashed = new Promise<Error>((resolve) => (crash = resolve));

    return new Promise<EmbeddedPostgres>((resolve, reject) => {
      let failure: Error | undefined;
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'log') {
          const context = {
            database: message.database,
            err: message.error && reviveError(message.error),
          };
          log[message.level](context, message.message);
        } else if (message.type === 'ready') {
          instance = new EmbeddedPostgres(worker, new Map(Object.entries(message.ports)), crashed);
          resolve(instance);
        } else if (message.type === 'failed') {
          failure = reviveError(message.error);
        }
      });
      worker.on('error', (error) => (failure ??= error));
      worker.on('exit', (code) => {
        if (instance?.closing) return;
        const reason = failure ?? new Error(`its thread exited with code ${code}`);
        const error = new Error(`embedded PostgreSQL stopped: ${reason.message}`, {
          cause: reason,
        });
        if (!instance) {
          reject(error);
          return;
        }
        log.fatal(
          { err: reason },
          'embedded PostgreSQL stopped: every service lost its database; stopping',
        );
        crash(error);
      });
    });
  }

  /** The DATABASE_URL of one service's database. */
  url(name: string): string {
    const port = this.ports.get(name);
    if (port === undefined) throw new Error(`no embedded database ${name}`);
    return `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  get names(): string[] {
    return [...this.ports.keys()];
  }

  /** Closes every database (the data is on disk after) and ends the thread. Safe twice. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      if (this.worker.threadId === -1) return resolve(); // already gone
      const onMessage = (message: FromWorker) => {
        if (message.type === 'closed') resolve();
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    }).finally(() => this.worker.terminate().then(() => undefined));
    return this.closing;
  }
}

/**
 * The worker's file and how to load it: the bundle's own JavaScript next to main.js, or the
 * TypeScript source with the loader this process runs its own source with.
 */
function workerEntry(): { file: string; execArgv: string[] | undefined } {
  const bundled = path.join(__dirname, `${WORKER_ENTRY}.js`);
  if (!__filename.endsWith('.ts') && existsSync(bundled)) {
    return { file: bundled, execArgv: undefined };
  }
  const source = path.join(__dirname, `${WORKER_ENTRY}.ts`);
  const loaded = process.execArgv.some((arg) => arg.includes(TS_LOADER));
  return { file: source, execArgv: loaded ? undefined : ['-r', TS_LOADER] };
}
