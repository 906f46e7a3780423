import { Writable } from 'node:stream';
import { Subject } from 'rxjs';
import { OverflowReport, SseConnection, SseConnectionSettings } from './sse-connection';
import { sseEvent } from './sse-format';

/**
 * A response whose client reads only when told to: what it has not read waits in the stream's
 * buffer and counts in writableLength, as with a real socket whose client stopped reading.
 */
class FakeClient extends Writable {
  received = '';
  private reading = true;
  private readonly pending: Array<() => void> = [];

  constructor() {
    super({ highWaterMark: 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    const take = () => {
      this.received += chunk.toString();
      done();
    };
    if (this.reading) take();
    else this.pending.push(take);
  }

  stopReading(): void {
    this.reading = false;
  }

  readAll(): void {
    this.reading = true;
    while (this.pending.length > 0) this.pending.shift()?.();
  }
}

const SETTINGS: SseConnectionSettings = {
  heartbeatMs: 1_000,
  retryMs: 5_000,
  maxBufferedBytes: 10_000,
  closeGraceMs: 3_000,
};
const AT = new Date('2026-05-21T08:00:00.000Z');
const frame = (n: number, size = 1_000) => ({
  bytes: Buffer.from(sseEvent('progress', { n, pad: 'x'.repeat(size) })),
});

const ticks = () => new Promise((resolve) => setImmediate(resolve));

function connect(settings = SETTINGS) {
  const client = new FakeClient();
  const frames = new Subject<{ bytes: Buffer }>();
  const overflows: OverflowReport[] = [];
  const connection = new SseConnection(
    client,
    frames,
    settings,
    (r) => overflows.push(r),
    () => AT,
  );
  connection.open();
  return { client, frames, overflows, connection };
}

describe('SseConnection', () => {
  // Streams emit 'finish' and 'close' on the next tick: leave those real.
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('starts with a comment and the retry hint, then writes every update', () => {
    const { client, frames } = connect();
    frames.next(frame(1, 3));
    frames.next(frame(2, 3));
    expect(client.received).toBe(
      ': live telemetry\n\nretry: 5000\n\n' +
        'event: progress\ndata: {"n":1,"pad":"xxx"}\n\n' +
        'event: progress\ndata: {"n":2,"pad":"xxx"}\n\n',
    );
  });

  it('sends a heartbeat while idle, none while events wait for the client', () => {
    const { client, frames } = connect();
    jest.advanceTimersByTime(1_000);
    expect(client.received).toContain(
      'event: heartbeat\ndata: {"at":"2026-05-21T08:00:00.000Z"}\n\n',
    );
    client.stopReading();
    frames.next(frame(1));
    const before = client.writableLength;
    jest.advanceTimersByTime(5_000);
    expect(client.writableLength).toBe(before);
  });

  it('keeps a client that catches up, even with an update larger than the bound', () => {
    const { client, frames, overflows, connection } = connect();
    frames.next(frame(1, 50_000)); // nothing waited before it
    client.stopReading();
    for (let n = 2; n <= 9; n++) frames.next(frame(n)); // ~9 kB waiting: under 10,000 bytes
    client.readAll();
    frames.next(frame(10));
    expect(overflows).toEqual([]);
    expect(connection.isOpen).toBe(true);
    expect(client.received.match(/event: progress/g)).toHaveLength(10);
  });

  it('drops a client that stops reading once the bound is reached, tells it why, reports once', async () => {
    const { client, frames, overflows, connection } = connect();
    client.stopReading();
    for (let n = 1; n <= 50; n++) frames.next(frame(n));
    expect(connection.isOpen).toBe(false);
    expect(overflows).toHaveLength(1);
    expect(overflows[0]?.limitBytes).toBe(10_000);
    expect(overflows[0]?.bufferedBytes).toBeLessThanOrEqual(10_000);
    // What waits is bounded: the updates before the bound and the final event, no more.
    expect(client.writableLength).toBeLessThan(10_000 + 1_000);
    expect(frames.observed).toBe(false);

    // A client that reads again gets what waited, the reason, and the end of the stream.
    let finished = false;
    client.once('finish', () => (finished = true));
    client.readAll();
    await ticks();
    const [, tail] = client.received.split('event: overflow\n');
    expect(JSON.parse(tail!.replace(/^data: /, ''))).toMatchObject({
      reason: 'slow_client',
      limitBytes: 10_000,
    });
    expect(client.received.match(/event: progress/g)!.length).toBeLessThan(11);
    expect(finished).toBe(true);
  });

  it('cuts a dropped client that never reads again after the grace period', () => {
    const { client, frames } = connect();
    client.stopReading();
    for (let n = 1; n <= 20; n++) frames.next(frame(n));
    expect(client.destroyed).toBe(false);
    jest.advanceTimersByTime(2_999);
    expect(client.destroyed).toBe(false);
    jest.advanceTimersByTime(1);
    expect(client.destroyed).toBe(true);
  });

  it('stops at once when the client goes away, and ends the response at shutdown', async () => {
    const gone = connect();
    gone.client.destroy();
    await ticks();
    expect(gone.frames.observed).toBe(false);
    expect(gone.connection.isOpen).toBe(false);

    const shutdown = connect();
    shutdown.frames.complete();
    expect(shutdown.connection.isOpen).toBe(false);
    expect(shutdown.client.writableEnded).toBe(true);
    jest.advanceTimersByTime(10_000);
    expect(shutdown.client.received).not.toContain('heartbeat');

    // A stalled client cannot hold the server's close either.
    const stalled = connect();
    stalled.client.stopReading();
    stalled.frames.next(frame(1, 3_000));
    stalled.frames.complete();
    expect(stalled.client.destroyed).toBe(false);
    jest.advanceTimersByTime(3_000);
    expect(stalled.client.destroyed).toBe(true);
  });

  it('does not start on a response that is already closed', () => {
    const client = new FakeClient();
    client.destroy();
    const frames = new Subject<{ bytes: Buffer }>();
    const connection = new SseConnection(client, frames, SETTINGS, () => undefined);
    connection.open();
    expect(frames.observed).toBe(false);
    expect(connection.isOpen).toBe(false);
  });
});
