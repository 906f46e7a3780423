/**
 * What the embedded PostgreSQL's worker thread (embedded-postgres-worker.ts) and EmbeddedPostgres
 * on the main thread say to each other. Errors cross as plain data: the thread's own Error
 * objects may carry fields a message cannot clone.
 */

/** workerData: where the databases live and which ones to open. */
export interface WorkerStart {
  readonly dataDir: string;
  readonly names: readonly string[];
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Main thread -> worker: close every database (the data is on disk after), then `closed`. */
export type ToWorker = { readonly type: 'close' };

/** Worker -> main thread. */
export type FromWorker =
  /** Every database is open and served: its loopback port. */
  | { readonly type: 'ready'; readonly ports: Readonly<Record<string, number>> }
  /** Opening failed (what was opened is closed again); the thread ends. */
  | { readonly type: 'failed'; readonly error: SerializedError }
  /** A line for the main thread's logger (the wire server's warnings and errors). */
  | {
      readonly type: 'log';
      readonly level: 'warn' | 'error';
      readonly database: string;
      readonly message: string;
      readonly error?: SerializedError;
    }
  | { readonly type: 'closed' };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'Error', message: String(error) };
}

export function reviveError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}
