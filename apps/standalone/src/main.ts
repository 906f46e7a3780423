import 'reflect-metadata';
import { PortTakenError } from './infra/ports';
import { runDemo } from './demo';
import { StandaloneConfigError, startStandalone } from './standalone';

/**
 * `npm start`: the whole system in one process with embedded infrastructure (see
 * apps/standalone/README.md). Exit codes: 0 after a clean stop, 78 for a setting to fix
 * (a taken port set explicitly, a bad value, a data directory in use), 1 otherwise.
 */
async function main(): Promise<void> {
  let running: Awaited<ReturnType<typeof startStandalone>>;
  try {
    running = await startStandalone();
  } catch (error) {
    if (error instanceof PortTakenError || error instanceof StandaloneConfigError) {
      process.stderr.write(`\ncannot start: ${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(
      `\ncannot start: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  }
  const stop = (reason: string, exitCode: number): void => {
    const hardStop = setTimeout(() => process.exit(1), 30_000);
    hardStop.unref();
    running.shutdown(reason).then(
      () => process.exit(exitCode),
      (error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // An embedded part the services cannot run without died (the PostgreSQL thread): exit 1.
  void running.failed.then((error) => {
    process.stderr.write(`\nstopping: ${error.message}\n`);
    stop(error.message, 1);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stdout.write(`\n${signal}: stopping (in-flight work drains first)...\n`);
      stop(signal, 0);
    });
  }
}

async function demo(): Promise<void> {
  try {
    process.exit(await runDemo());
  } catch (error) {
    const known = error instanceof PortTakenError || error instanceof StandaloneConfigError;
    process.stderr.write(
      `\ndemo failed: ${error instanceof Error && !known ? error.stack : String(error)}\n`,
    );
    process.exit(known ? 78 : 1);
  }
}

if (process.argv[2] === 'demo') void demo();
else void main();
