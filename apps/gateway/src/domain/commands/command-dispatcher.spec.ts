import { PendingCommand } from '../pending/pending-entries';
import { MemoryPendingState, MemoryPendingStore } from '../pending/memory-pending-store';
import { PendingAdd } from '../pending/pending-store';
import { DockPublisher } from '../shared/ports';
import {
  countingMetrics,
  ManualClock,
  RecordingPublisher,
  RecordingWriter,
  silentLog,
  TOPICS,
} from '../shared/test-doubles';
import { CommandDispatcher } from './command-dispatcher';

/** Counts the store's calls: a batch's entries are written in one. */
class CountingStore extends MemoryPendingStore<PendingCommand> {
  addManys: number[] = [];
  override addMany(entries: readonly PendingAdd<PendingCommand>[]) {
    this.addManys.push(entries.length);
    return super.addMany(entries);
  }
}

/**
 * A broker whose PUBACKs the test gives: publishes stay in flight until `ack`. It also checks
 * that each command's pending entry exists before the command goes out.
 */
class HeldPublisher implements DockPublisher {
  readonly inFlight: { tid: string; ack: (error?: Error) => void }[] = [];
  readonly acked: string[] = [];
  constructor(private readonly state: MemoryPendingState<PendingCommand>) {}

  async publish(topic: string, payload: string): Promise<void> {
    const { tid } = JSON.parse(payload) as { tid: string };
    const sn = topic.split('/')[2];
    if (!this.state.entries.has(`${sn}/${tid}`)) throw new Error(`no pending entry for ${tid}`);
    return new Promise<void>((resolve, reject) => {
      this.inFlight.push({
        tid,
        ack: (error) => {
          this.inFlight.splice(
            this.inFlight.findIndex((p) => p.tid === tid),
            1,
          );
          if (error) {
            reject(error);
            return;
          }
          this.acked.push(tid);
          resolve();
        },
      });
    });
  }

  /** Acknowledges the publish of `tid`. */
  ack(tid: string, error?: Error): void {
    const publish = this.inFlight.find((p) => p.tid === tid);
    if (!publish) throw new Error(`${tid} is not in flight (${this.tids()})`);
    publish.ack(error);
  }

  tids(): string[] {
    return this.inFlight.map((p) => p.tid);
  }
}

/** Lets every promise that can move, move (publishes wait on the store first). */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

function setup(options: { docksInFlight?: number; held?: boolean } = {}) {
  const writer = new RecordingWriter();
  const state = new MemoryPendingState<PendingCommand>();
  const pending = new CountingStore({ state });
  const held = new HeldPublisher(state);
  const publisher = new RecordingPublisher();
  const clock = new ManualClock();
  let n = 0;
  const dispatcher = new CommandDispatcher({
    pending,
    publisher: options.held ? held : publisher,
    writer,
    clock,
    newTid: () => `tid-${++n}`,
    metrics: countingMetrics(),
    log: silentLog,
    topics: TOPICS,
    settings: { defaultTimeoutMs: 30_000, instanceId: 'gw-1' },
    stopping: () => false,
    docksInFlight: options.docksInFlight,
  });
  return { writer, publisher, held, pending, clock, dispatcher };
}

const command = (overrides: object = {}) =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 1,
      correlationId: 'c1',
      gatewaySn: 'SN1',
      method: 'flighttask_execute',
      bid: 'f1',
      data: { flight_id: 'f1' },
      requestedAt: 1,
      ...overrides,
    }),
  );

describe('CommandDispatcher', () => {
  it('sends commands in order, each with a fresh tid and a pending entry', async () => {
    const { publisher, pending, clock, dispatcher } = setup();
    await dispatcher.handleBatch([
      command(),
      command({ correlationId: 'c2', method: 'return_home', data: '' }),
    ]);
    expect(publisher.published.map((p) => [p.topic, p.json.method, p.json.tid])).toEqual([
      ['thing/product/SN1/services', 'flighttask_execute', 'tid-1'],
      ['thing/product/SN1/services', 'return_home', 'tid-2'],
    ]);
    expect(publisher.published[1].json.data).toEqual({});
    expect(await pending.claimExpired(clock.now() + 30_000, 10)).toHaveLength(2);
  });

  it('resends a redelivered pending command unchanged and skips a completed one', async () => {
    const { publisher, pending, clock, dispatcher } = setup();
    await dispatcher.handleBatch([command()]);
    await dispatcher.handleBatch([command()]);
    expect(publisher.published.map((p) => p.json.tid)).toEqual(['tid-1', 'tid-1']);
    await pending.claim('SN1/tid-1', clock.now());
    await pending.complete('SN1/tid-1');
    await dispatcher.handleBatch([command()]);
    expect(publisher.published).toHaveLength(2);
  });

  it('answers refused commands with an invalid record and sends nothing', async () => {
    const { writer, publisher, dispatcher } = setup();
    await dispatcher.handleBatch([
      command({ method: 'camera_aim' }),
      command({ correlationId: 'c3', method: 'flighttask_undo', data: { flight_ids: [] } }),
      command({ correlationId: 'c4', gatewaySn: 'bad sn' }),
      Buffer.from(JSON.stringify({ correlationId: 'c5', gatewaySn: 'SN1' })),
      Buffer.from('garbage without any id'),
    ]);
    expect(publisher.published).toEqual([]);
    const replies = writer
      .on('dock.command-replies')
      .map((r) => r.value as { correlationId: string; outcome: string });
    expect(replies.map((r) => [r.correlationId, r.outcome])).toEqual([
      ['c1', 'invalid'],
      ['c3', 'invalid'],
      ['c4', 'invalid'],
      ['c5', 'invalid'],
    ]);
  });

  it('sends the docks concurrently, each dock`s commands in order, one PUBACK after another', async () => {
    const { held, pending, dispatcher } = setup({ held: true });
    const batch = [
      command({ correlationId: 'a1', gatewaySn: 'A', method: 'return_home', data: {} }),
      command({ correlationId: 'b1', gatewaySn: 'B', method: 'return_home', data: {} }),
      command({ correlationId: 'a2', gatewaySn: 'A', method: 'return_home_cancel', data: {} }),
      command({ correlationId: 'c1', gatewaySn: 'C', method: 'return_home', data: {} }),
      command({ correlationId: 'b2', gatewaySn: 'B', method: 'return_home_cancel', data: {} }),
    ];
    let done = false;
    const handling = dispatcher.handleBatch(batch).then(() => {
      done = true;
    });
    await settle();
    // tid-n is the n-th record: a1 tid-1, b1 tid-2, a2 tid-3, c1 tid-4, b2 tid-5.
    expect(held.tids()).toEqual(['tid-1', 'tid-2', 'tid-4']);
    // All five entries were written in one call, before the first publish.
    expect(pending.addManys).toEqual([5]);
    held.ack('tid-4');
    held.ack('tid-2');
    await settle();
    expect(held.tids()).toEqual(['tid-1', 'tid-5']);
    held.ack('tid-5');
    held.ack('tid-1');
    await settle();
    expect(held.tids()).toEqual(['tid-3']);
    expect(done).toBe(false);
    held.ack('tid-3');
    await handling;
    expect(held.acked).toEqual(['tid-4', 'tid-2', 'tid-5', 'tid-1', 'tid-3']);
  });

  it('holds a dock`s next command while its failed publish is retried; other docks go on', async () => {
    const { held, dispatcher } = setup({ held: true });
    const handling = dispatcher.handleBatch([
      command({ correlationId: 'a1', gatewaySn: 'A', method: 'return_home', data: {} }),
      command({ correlationId: 'a2', gatewaySn: 'A', method: 'return_home_cancel', data: {} }),
      command({ correlationId: 'b1', gatewaySn: 'B', method: 'return_home', data: {} }),
    ]);
    await settle();
    held.ack('tid-1', new Error('connection lost'));
    held.ack('tid-3');
    await settle();
    // tid-2 (A's second) waits for tid-1's retry (after the retry's 100 ms backoff).
    expect(held.tids()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await settle();
    expect(held.tids()).toEqual(['tid-1']);
    held.ack('tid-1');
    await settle();
    held.ack('tid-2');
    await handling;
    expect(held.acked).toEqual(['tid-3', 'tid-1', 'tid-2']);
  });

  it('keeps at most docksInFlight docks in flight', async () => {
    const { held, dispatcher } = setup({ held: true, docksInFlight: 2 });
    const handling = dispatcher.handleBatch(
      ['A', 'B', 'C'].map((sn) =>
        command({ correlationId: sn, gatewaySn: sn, method: 'return_home', data: {} }),
      ),
    );
    await settle();
    expect(held.tids()).toEqual(['tid-1', 'tid-2']);
    held.ack('tid-2');
    await settle();
    expect(held.tids()).toEqual(['tid-1', 'tid-3']);
    held.ack('tid-1');
    held.ack('tid-3');
    await handling;
  });

  it('redelivered: resends each still-pending command with its tid, skips completed ones', async () => {
    const { publisher, pending, clock, dispatcher } = setup();
    const batch = ['A', 'B', 'C'].flatMap((sn) => [
      command({ correlationId: `${sn}1`, gatewaySn: sn, method: 'return_home', data: {} }),
      command({ correlationId: `${sn}2`, gatewaySn: sn, method: 'return_home_cancel', data: {} }),
    ]);
    await dispatcher.handleBatch(batch);
    const first = publisher.published.map((p) => `${p.topic.split('/')[2]}:${String(p.json.tid)}`);
    // B's first command was answered meanwhile.
    await pending.claim('B/tid-3', clock.now());
    await pending.complete('B/tid-3');
    publisher.published.length = 0;
    await dispatcher.handleBatch(batch);
    const again = publisher.published.map((p) => `${p.topic.split('/')[2]}:${String(p.json.tid)}`);
    expect(again.sort()).toEqual(first.filter((sent) => sent !== 'B:tid-3').sort());
    for (const sn of ['A', 'B', 'C']) {
      const ofDock = (sent: string[]) => sent.filter((x) => x.startsWith(`${sn}:`));
      expect(ofDock(again)).toEqual(ofDock(first).filter((sent) => sent !== 'B:tid-3'));
    }
  });

  it('sends a command repeated within one batch with one tid, twice', async () => {
    const { publisher, pending, clock, dispatcher } = setup();
    await dispatcher.handleBatch([command(), command()]);
    expect(publisher.published.map((p) => p.json.tid)).toEqual(['tid-1', 'tid-1']);
    expect(await pending.claimExpired(clock.now() + 30_000, 10)).toHaveLength(1);
  });

  it('gives up with the batch unresolved when stopping, after what was in flight settled', async () => {
    let stopping = false;
    const pending = new MemoryPendingStore<PendingCommand>();
    const failing: DockPublisher = {
      publish: () => Promise.reject(new Error('broker down')),
    };
    const dispatcher = new CommandDispatcher({
      pending,
      publisher: failing,
      writer: new RecordingWriter(),
      clock: new ManualClock(),
      newTid: (() => {
        let n = 0;
        return () => `tid-${++n}`;
      })(),
      metrics: countingMetrics(),
      log: silentLog,
      topics: TOPICS,
      settings: { defaultTimeoutMs: 30_000, instanceId: 'gw-1' },
      stopping: () => stopping,
    });
    const handling = dispatcher.handleBatch([
      command(),
      command({ correlationId: 'c2', gatewaySn: 'SN2' }),
    ]);
    setTimeout(() => {
      stopping = true;
    }, 50);
    await expect(handling).rejects.toThrow('gateway is stopping');
    // The entries stay: a redelivery to the next owner resends them with the same tids.
    expect(await pending.add('SN1/tid-9', {} as PendingCommand, 1, 'c1')).toMatchObject({
      status: 'pending',
      id: 'SN1/tid-1',
    });
  });
});
