import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { PgliteWireServer } from './pglite-wire-server';

interface Database {
  readonly db: PGlite;
  readonly server: PgliteWireServer;
  readonly port: number;
}

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
 */
export class EmbeddedPostgres {
  private constructor(private readonly databases: ReadonlyMap<string, Database>) {}

  static async start(
    dataDir: string,
    names: readonly string[],
    logger: Logger,
  ): Promise<EmbeddedPostgres> {
    const started = new Map<string, Database>();
    try {
      // One after the other: initialising a PGlite is CPU-bound (2 cores are shared).
      for (const name of names) {
        const directory = path.join(dataDir, name);
        await mkdir(directory, { recursive: true });
        const db = await PGlite.create({ dataDir: directory });
        const server = new PgliteWireServer(
          db,
          logger.child({ component: 'embedded-postgres', database: name }),
        );
        try {
          started.set(name, { db, server, port: await server.listen(0, '127.0.0.1') });
        } catch (error) {
          await db.close();
          throw error;
        }
      }
      return new EmbeddedPostgres(started);
    } catch (error) {
      await new EmbeddedPostgres(started).close();
      throw error;
    }
  }

  /** The DATABASE_URL of one service's database. */
  url(name: string): string {
    const database = this.databases.get(name);
    if (!database) throw new Error(`no embedded database ${name}`);
    return `postgres://postgres@127.0.0.1:${database.port}/postgres`;
  }

  get names(): string[] {
    return [...this.databases.keys()];
  }

  async close(): Promise<void> {
    for (const { db, server } of this.databases.values()) {
      await server.close();
      await db.close();
    }
  }
}
