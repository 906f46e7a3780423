import { createServer, Server, Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** Sync: ends an extended-query sequence (the backend answers ReadyForQuery). */
const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

/** Where the server reports what went wrong (a pino Logger, or the worker thread's relay). */
export interface WireServerLog {
  warn(context: { err: unknown }, message: string): void;
  error(context: { err: unknown }, message: string): void;
}

/**
 * Serves one PGlite over the PostgreSQL wire protocol on a loopback port, so the services'
 * ordinary `pg` / TypeORM adapters and migrations run against it unchanged.
 *
 * PGlite is one single-user backend: one session for every connection. So, unlike
 * @electric-sql/pglite-socket (which interleaves connections message by message), a
 * connection here holds the backend from its first message until the backend is idle again
 * (ReadyForQuery with status I): a whole extended-query sequence up to Sync, or a whole
 * transaction. Other connections wait their turn, so a pool of several connections behaves
 * as PostgreSQL's would, only serialised.
 *
 * Each connection's `search_path` (the `options=-c search_path=...` startup parameter every
 * service sends: each service has its own schema) is set on the shared session when the
 * connection takes its turn. Other session settings a client changes are shared by all.
 */
export class PgliteWireServer {
  private server: Server | undefined;
  private readonly queue: Connection[] = [];
  private owner: Connection | undefined;
  private currentSearchPath: string | undefined;
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly db: PGlite,
    private readonly logger: WireServerLog,
  ) {}

  /** Listens on `host:port` (0 picks a free port); resolves with the port bound. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Closes every connection (rolling back what they left open) and the listener. */
  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
    });
    // Let the connections' close handlers finish their clean-up on the backend.
    while (this.owner || this.connections.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(socket);
    this.connections.add(connection);
    socket.on('data', (data) => {
      connection.buffer = Buffer.concat([connection.buffer, data]);
      this.parse(connection);
      this.schedule(connection);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      connection.closed = true;
      connection.messages = [];
      void this.release(connection).finally(() => this.connections.delete(connection));
    });
  }

  /** Splits the connection's buffer into whole messages (startup-phase ones answered here). */
  private parse(connection: Connection): void {
    for (;;) {
      const buffer = connection.buffer;
      if (!connection.started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        const message = buffer.subarray(0, length);
        connection.buffer = buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          connection.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          connection.socket.end();
          return;
        }
        if (code !== PROTOCOL_3) {
          connection.socket.destroy();
          return;
        }
        connection.started = true;
        connection.searchPath = searchPathOf(message);
        connection.messages.push(Buffer.from(message));
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1) + 1;
      if (buffer.length < length) return;
      const message = Buffer.from(buffer.subarray(0, length));
      connection.buffer = buffer.subarray(length);
      if (message[0] === 0x58 /* X: Terminate */) {
        connection.socket.end();
        return;
      }
      connection.messages.push(message);
    }
  }

  private schedule(connection: Connection): void {
    if (connection.messages.length === 0 || connection.waiting) return;
    if (this.owner === connection) {
      void this.drain(connection);
      return;
    }
    connection.waiting = true;
    this.queue.push(connection);
    this.next();
  }

  private next(): void {
    if (this.owner) return;
    const connection = this.queue.shift();
    if (!connection) return;
    connection.waiting = false;
    if (connection.closed) return this.next();
    this.owner = connection;
    void this.drain(connection);
  }

  /** Runs the owner's messages; gives the backend up once it is idle. */
  private async drain(connection: Connection): Promise<void> {
    if (connection.draining) return;
    connection.draining = true;
    try {
      while (connection.messages.length > 0 && !connection.closed) {
        if (connection.idle && connection.searchPath !== this.currentSearchPath) {
          await this.db.exec(`SET search_path TO ${connection.searchPath ?? 'public'}`);
          this.currentSearchPath = connection.searchPath;
        }
        const message = connection.messages.shift() as Buffer;
        const answer = await this.db.execProtocolRaw(message);
        const status = readyStatus(answer);
        if (status !== undefined) connection.idle = status === 'I';
        else connection.idle = false;
        if (answer.length > 0 && !connection.closed) connection.socket.write(answer);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'embedded PostgreSQL failed a request');
      connection.socket.destroy();
    } finally {
      connection.draining = false;
    }
    if (connection.closed) return;
    if (connection.idle && this.owner === connection) {
      this.owner = undefined;
      // Messages that arrived meanwhile queue behind the others.
      if (connection.messages.length > 0) this.schedule(connection);
      this.next();
    }
  }

  /** A connection went away: finish its sequence, roll its transaction back, let others in. */
  private async release(connection: Connection): Promise<void> {
    const index = this.queue.indexOf(connection);
    if (index >= 0) this.queue.splice(index, 1);
    if (this.owner !== connection) return;
    while (connection.draining) await new Promise((resolve) => setTimeout(resolve, 1));
    try {
      if (!connection.idle) {
        const answer = await this.db.execProtocolRaw(SYNC);
        if (readyStatus(answer) !== 'I') await this.db.exec('ROLLBACK');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not reset the embedded PostgreSQL session');
    }
    this.owner = undefined;
    this.next();
  }
}

class Connection {
  buffer: Buffer = Buffer.alloc(0);
  messages: Buffer[] = [];
  started = false;
  /** The backend answered ReadyForQuery 'I' to this connection's last complete exchange. */
  idle = true;
  waiting = false;
  draining = false;
  closed = false;
  searchPath: string | undefined;

  constructor(readonly socket: Socket) {}
}

/** The status of the last ReadyForQuery ('Z') in a backend answer, if it has one. */
function readyStatus(answer: Uint8Array): string | undefined {
  let status: string | undefined;
  let position = 0;
  const view = Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength);
  while (position + 5 <= view.length) {
    const type = view[position];
    const length = view.readInt32BE(position + 1);
    if (type === 0x5a /* Z */ && length === 5) status = String.fromCharCode(view[position + 5]);
    position += 1 + length;
  }
  return status;
}

/** `search_path` from the startup message's `options` (`-c search_path=x`), quoted for SET. */
function searchPathOf(startup: Buffer): string | undefined {
  const fields = startup.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'options') continue;
    const match = /(?:^|\s)(?:-c\s*|--)search_path=([A-Za-z0-9_,]+)/.exec(fields[i + 1]);
    if (!match) return undefined;
    return match[1]
      .split(',')
      .filter(Boolean)
      .map((schema) => `"${schema}"`)
      .join(', ');
  }
  return undefined;
}
