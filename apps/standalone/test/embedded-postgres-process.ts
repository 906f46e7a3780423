// Runs EmbeddedPostgres in a process of its own, for jest tests: PGlite loads parts of itself
// with dynamic import(), which jest's module system does not support. Prints one JSON line
// {"urls": {name: url}} once up; closes cleanly on SIGTERM.
//   node -r @swc-node/register apps/standalone/test/embedded-postgres-process.ts <dataDir> <name>...
import pino from 'pino';
import { EmbeddedPostgres } from '../src/infra/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, ...names] = process.argv.slice(2);
  const postgres = await EmbeddedPostgres.start(dataDir, names, pino({ level: 'warn' }));
  const urls = Object.fromEntries(names.map((name) => [name, postgres.url(name)]));
  process.stdout.write(`${JSON.stringify({ urls })}\n`);
  process.once('SIGTERM', () => {
    void postgres.close().then(() => process.exit(0));
  });
}

void main();
