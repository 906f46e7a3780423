import net from 'node:net';

/**
 * A live-stream client that stops reading once the response has started, as a browser tab on a
 * congested link or a hung front end does: it is a raw socket, paused, so what the service
 * writes fills the kernel's buffers and then waits in the service's memory. `readToEnd()`
 * starts reading again and returns everything up to the end of the stream.
 */
export class StalledSseClient {
  private constructor(
    private readonly socket: net.Socket,
    readonly head: string,
  ) {}

  /** Sends `GET path` with the given headers and pauses once the status line has come. */
  static async open(
    baseUrl: string,
    path: string,
    headers: Record<string, string> = {},
  ): Promise<StalledSseClient> {
    const { hostname, port } = new URL(baseUrl);
    const socket = net.connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const lines = Object.entries({
      host: `${hostname}:${port}`,
      accept: 'text/event-stream',
      ...headers,
    })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`GET ${path} HTTP/1.1\r\n${lines}\r\n`);
    const head = await new Promise<string>((resolve, reject) => {
      socket.once('data', (chunk: Buffer) => {
        socket.pause();
        resolve(chunk.toString('latin1'));
      });
      socket.once('error', reject);
    });
    return new StalledSseClient(socket, head);
  }

  get status(): number {
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(this.head)?.[1] ?? 0);
  }

  /** Reads on from where it stopped until the service ends the stream; the text read. */
  readToEnd(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.socket.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      this.socket.once('error', reject);
      this.socket.resume();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
