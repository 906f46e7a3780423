import { REQUEST_UNANSWERED_RESULT } from '../requests/request-replies';
import {
  countingMetrics,
  ManualClock,
  RecordingPublisher,
  RecordingWriter,
  silentLog,
  TOPICS,
} from '../shared/test-doubles';
import { DeadlineSweeper } from './deadline-sweeper';
import { MemoryPendingStore } from './memory-pending-store';
import { PendingCommand, PendingRequest } from './pending-entries';

describe('DeadlineSweeper', () => {
  it('writes one timeout per expired command and answers expired requests with 314013', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const commands = new MemoryPendingStore<PendingCommand>();
    const requests = new MemoryPendingStore<PendingRequest>();
    const writer = new RecordingWriter();
    const publisher = new RecordingPublisher();
    const deps = {
      commands,
      requests,
      writer,
      publisher,
      clock,
      metrics: countingMetrics(),
      log: silentLog,
      topics: TOPICS,
      batchSize: 10,
    };
    const sweepers = [
      new DeadlineSweeper({ ...deps, instanceId: 'a' }),
      new DeadlineSweeper({ ...deps, instanceId: 'b' }),
    ];
    const now = clock.now();
    await commands.add(
      'SN1/t1',
      {
        correlationId: 'c1',
        gatewaySn: 'SN1',
        method: 'return_home',
        tid: 't1',
        bid: 'b',
        topic: 'thing/product/SN1/services',
        payload: '{}',
        sentAt: now,
        deadline: now + 1_000,
        sentBy: 'a',
      },
      now + 1_000,
    );
    await requests.add(
      'SN1/r1',
      {
        gatewaySn: 'SN1',
        tid: 'r1',
        bid: 'f',
        method: 'flighttask_resource_get',
        receivedAt: now,
        deadline: now + 500,
      },
      now + 500,
    );

    expect(await sweepers[0].sweep()).toBe(0);
    clock.time += 1_000;
    const done = await Promise.all(sweepers.map((sweeper) => sweeper.sweep()));
    expect(done.reduce((a, b) => a + b, 0)).toBe(2);
    expect(writer.on('dock.command-replies').map((r) => r.value)).toEqual([
      expect.objectContaining({ correlationId: 'c1', outcome: 'timeout', tid: 't1' }),
    ]);
    expect(publisher.published).toEqual([
      {
        topic: 'thing/product/SN1/requests_reply',
        json: expect.objectContaining({ tid: 'r1', data: { result: REQUEST_UNANSWERED_RESULT } }),
      },
    ]);
    expect(commands.size + requests.size).toBe(0);
  });
});
