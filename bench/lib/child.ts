import type { ChildMessage } from './proc';

/** Child side of the IPC: send a message to the orchestrator; resolves once it is written. */
export function report(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, undefined, () => resolve());
  });
}

/** Calls `onStop` when the orchestrator asks (or on SIGTERM / SIGINT), once. */
export function onStop(onStopRequested: () => Promise<void> | void): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    Promise.resolve()
      .then(onStopRequested)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`stop failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('message', (raw) => {
    const message = raw as ChildMessage;
    if (message.type === 'stop') stop();
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

/** The child's JSON argument (the orchestrator passes one). */
export function childArgs<T>(): T {
  const raw = process.env.BENCH_ARGS;
  if (!raw) throw new Error('BENCH_ARGS missing');
  return JSON.parse(raw) as T;
}

/** Waits for a message of this type from the orchestrator. */
export function waitForParent(type: string): Promise<ChildMessage> {
  return new Promise((resolve) => {
    const listener = (raw: unknown): void => {
      const message = raw as ChildMessage;
      if (message.type !== type) return;
      process.off('message', listener);
      resolve(message);
    };
    process.on('message', listener);
  });
}

/** Runs the child's main; a failure is written to stderr as `<name> failed: …` and exits 1. */
export function runChild(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed: ${String(error)}\n`);
    process.exit(1);
  });
}
