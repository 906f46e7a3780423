import type { Observable, Subscription } from 'rxjs';
import { sseComment, sseEvent, sseRetry } from './sse-format';

/** What a connection needs of the HTTP response it writes to (Node's ServerResponse is one). */
export interface SseSink {
  write(chunk: Buffer | string): boolean;
  end(): unknown;
  destroy(): unknown;
  /** Bytes accepted by write() and not yet handed to the kernel (response and socket buffers). */
  readonly writableLength: number;
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  once(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface SseConnectionSettings {
  /** A `heartbeat` event after this long, so proxies keep an idle stream open. */
  readonly heartbeatMs: number;
  /** The `retry:` hint: how long an EventSource waits before it reconnects. */
  readonly retryMs: number;
  /** Bytes that may wait in memory for this client before it is disconnected. */
  readonly maxBufferedBytes: number;
  /**
   * Once the stream ends (overflow, shutdown), how long what waits may take to leave before the
   * socket is cut: a client that never reads again must not hold it (or the server's close).
   */
  readonly closeGraceMs: number;
}

export interface OverflowReport {
  readonly bufferedBytes: number;
  readonly limitBytes: number;
}

/**
 * One client's live stream, written straight to its response.
 *
 * `res.write()` never refuses data: when the client reads slower than updates come (or not at
 * all), what it has not taken waits in the process's memory, without limit. So before each
 * update the connection looks at what already waits (`writableLength`, which counts the
 * response's and the socket's buffers; the kernel's socket buffer comes before it): if adding
 * the update would pass `maxBufferedBytes`, the client is too far behind to catch up. It then
 * gets no more updates, a last `overflow` event saying why (after what already waits), and the
 * response ends; a client that never reads again is cut after `closeGraceMs`. So a
 * stalled client holds at most about `maxBufferedBytes`, and the others never wait for it
 * (publishing writes to every connection without waiting for any).
 *
 * The stream starts with a comment and the `retry:` hint, and sends a `heartbeat` event every
 * `heartbeatMs` while nothing waits (a backed-up stream is not idle, and would only grow).
 */
export class SseConnection {
  private state: 'new' | 'open' | 'ended' = 'new';
  private subscription: Subscription | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: SseSink,
    private readonly frames: Observable<{ readonly bytes: Buffer }>,
    private readonly settings: SseConnectionSettings,
    private readonly onOverflow: (report: OverflowReport) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Writes the preamble and starts streaming. The response's headers must be sent already. */
  open(): void {
    if (this.state !== 'new') return;
    if (this.sink.destroyed || this.sink.writableEnded) {
      this.state = 'ended';
      return;
    }
    this.state = 'open';
    // A client that resets the connection is not an error of ours: the stream just ends.
    this.sink.on('error', () => this.release());
    this.sink.once('close', () => this.release());
    this.sink.write(`${sseComment('live telemetry')}${sseRetry(this.settings.retryMs)}`);
    const subscription = this.frames.subscribe({
      next: (frame) => this.send(frame.bytes),
      complete: () => this.finish(),
    });
    if (this.state !== 'open') {
      subscription.unsubscribe();
      return;
    }
    this.subscription = subscription;
    this.heartbeat = setInterval(() => this.beat(), this.settings.heartbeatMs);
    this.heartbeat.unref();
  }

  private send(bytes: Buffer): void {
    if (this.state !== 'open') return;
    const waiting = this.sink.writableLength;
    // Nothing waiting: the client keeps up, whatever the size of this one update.
    if (waiting > 0 && waiting + bytes.length > this.settings.maxBufferedBytes) {
      this.overflow(waiting);
      return;
    }
    this.sink.write(bytes);
  }

  private beat(): void {
    if (this.state !== 'open' || this.sink.writableLength > 0) return;
    this.sink.write(sseEvent('heartbeat', { at: this.now().toISOString() }));
  }

  private overflow(waiting: number): void {
    this.release();
    const limitBytes = this.settings.maxBufferedBytes;
    this.sink.write(
      sseEvent('overflow', {
        reason: 'slow_client',
        message:
          `the client did not read its events fast enough: ${waiting} bytes were waiting ` +
          `for it, and no more than ${limitBytes} may (TELEMETRY_SSE_MAX_BUFFERED_BYTES). ` +
          'The stream ends; reconnect, and re-read the current state from the REST API.',
        bufferedBytes: waiting,
        limitBytes,
      }),
    );
    this.endWithinGrace();
    try {
      this.onOverflow({ bufferedBytes: waiting, limitBytes });
    } catch {
      // Reporting (metrics, logs) must not turn a dropped client into an uncaught error.
    }
  }

  /** The broadcaster closed (shutdown): end the response so the server can close. */
  private finish(): void {
    if (this.state !== 'open') return;
    this.release();
    this.endWithinGrace();
  }

  /** Ends the response; a client that does not take the rest in time is cut. */
  private endWithinGrace(): void {
    this.sink.end();
    const cut = setTimeout(() => this.sink.destroy(), this.settings.closeGraceMs);
    cut.unref();
    this.sink.once('close', () => clearTimeout(cut));
  }

  private release(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
