import { PendingCommand } from '../pending/pending-entries';
import { MemoryPendingStore } from '../pending/memory-pending-store';
import {
  countingMetrics,
  ManualClock,
  RecordingPublisher,
  RecordingWriter,
  silentLog,
  TOPICS,
} from '../shared/test-doubles';
import { CommandDispatcher } from './command-dispatcher';

function setup() {
  const writer = new RecordingWriter();
  const publisher = new RecordingPublisher();
  const pending = new MemoryPendingStore<PendingCommand>();
  const clock = new ManualClock();
  let n = 0;
  const dispatcher = new CommandDispatcher({
    pending,
    publisher,
    writer,
    clock,
    newTid: () => `tid-${++n}`,
    metrics: countingMetrics(),
    log: silentLog,
    topics: TOPICS,
    settings: { defaultTimeoutMs: 30_000, instanceId: 'gw-1' },
    stopping: () => false,
  });
  return { writer, publisher, pending, clock, dispatcher };
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
});
