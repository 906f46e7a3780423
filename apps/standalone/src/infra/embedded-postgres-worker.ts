// The embedded PostgreSQL's thread (started by EmbeddedPostgres, never run on its own): one
// PGlite per service and the wire servers in front of them. Here, PostgreSQL's WebAssembly
// runs beside the main thread's event loop instead of inside it (see EmbeddedPostgres).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { FromWorker, serializeError, ToWorker, WorkerStart } from './embedded-postgres-protocol';
import { PgliteWireServer, WireServerLog } from './pglite-wire-server';

interface Database {
  readonly db: PGlite;
  readonly server: PgliteWireServer;
}

const channel = parentPort;
if (!channel)
  throw new Error('embedded-postgres-worker runs in a worker thread of EmbeddedPostgres');
const port = channel;

function post(message: FromWorker): void {
  port.postMessage(message);
}

/** The wire server's warnings and errors, logged by the main thread's logger. */
function logOf(database: string): WireServerLog {
  const relay =
    (level: 'warn' | 'error') =>
    ({ err }: { err: unknown }, message: string): void =>
      post({ type: 'log', level, database, message, error: serializeError(err) });
  return { warn: relay('warn'), error: relay('error') };
}

async function open({ dataDir, names }: WorkerStart, opened: Database[]): Promise<void> {
  const ports: Record<string, number> = {};
  // One after the other: initialising a PGlite is CPU-bound (2 cores are shared).
  for (const name of names) {
    const directory = path.join(dataDir, name);
    await mkdir(directory, { recursive: true });
    const db = await PGlite.create({ dataDir: directory });
    const server = new PgliteWireServer(db, logOf(name));
    try {
      ports[name] = await server.listen(0, '127.0.0.1');
    } catch (error) {
      await db.close();
      throw error;
    }
    opened.push({ db, server });
  }
  post({ type: 'ready', ports });
}

async function closeAll(opened: Database[]): Promise<void> {
  for (const { db, server } of opened.splice(0)) {
    await server.close();
    await db.close();
  }
}

async function run(): Promise<void> {
  const opened: Database[] = [];
  port.on('message', (message: ToWorker) => {
    if (message.type !== 'close') return;
    void closeAll(opened).then(() => {
      post({ type: 'closed' });
      port.close(); // nothing else keeps the thread alive: it ends
    });
  });
  try {
    await open(workerData as WorkerStart, opened);
  } catch (error) {
    await closeAll(opened).catch(() => undefined);
    post({ type: 'failed', error: serializeError(error) });
    port.close();
  }
}

void run();
