import type { PeriodicLoop } from '@dock/platform';
import { deferred, tick } from '../../../test/support/deferred';
import { LoopWakeups } from './mission-runtime';

/** A loop stand-in that counts kicks. */
function countingLoop(): PeriodicLoop & { kicks: number } {
  const loop = { kicks: 0, kick: () => void loop.kicks++, wakeIn: () => undefined };
  return loop as unknown as PeriodicLoop & { kicks: number };
}

describe('LoopWakeups', () => {
  function wired(dispatch: (docks: string[]) => Promise<unknown>) {
    const wakeups = new LoopWakeups();
    const relayer = countingLoop();
    const scheduler = countingLoop();
    wakeups.relayer = relayer;
    wakeups.scheduler = scheduler;
    wakeups.dispatcher = { dispatch, msUntil: () => 0 };
    return { wakeups, relayer, scheduler };
  }

  it('kicks the relay only once the pending dispatch has committed', async () => {
    const commit = deferred();
    const dispatched: string[][] = [];
    const { wakeups, relayer } = wired((docks) => {
      dispatched.push(docks);
      return commit.promise;
    });
    wakeups.schedule({ gatewaySn: 'A', dueAt: 0 });
    wakeups.relay(); // the creating change's records: they go with the dispatch's
    expect(relayer.kicks).toBe(0);
    await tick();
    expect(dispatched).toEqual([['A']]);
    wakeups.relay();
    expect(relayer.kicks).toBe(0);
    commit.resolve();
    await tick();
    expect(relayer.kicks).toBe(1);
    // Nothing pending: a relay is kicked at once.
    wakeups.relay();
    expect(relayer.kicks).toBe(2);
  });

  it('kicks the relay after a failed dispatch too, and leaves the docks to the scheduler', async () => {
    const commit = deferred();
    const { wakeups, relayer, scheduler } = wired(() => commit.promise);
    wakeups.schedule({ gatewaySn: 'A', dueAt: 0 });
    wakeups.relay();
    await tick();
    commit.reject(new Error('database away'));
    await tick();
    expect(relayer.kicks).toBe(1);
    expect(scheduler.kicks).toBe(1);
  });

  it('batches docks named while a dispatch runs into the next one', async () => {
    const commits = [deferred(), deferred()];
    const dispatched: string[][] = [];
    const { wakeups, relayer } = wired((docks) => {
      dispatched.push(docks);
      return commits[dispatched.length - 1].promise;
    });
    wakeups.schedule({ gatewaySn: 'A', dueAt: 0 });
    await tick();
    wakeups.schedule({ gatewaySn: 'B', dueAt: 0 });
    wakeups.schedule({ gatewaySn: 'C', dueAt: 0 });
    commits[0].resolve();
    await tick();
    expect(dispatched).toEqual([['A'], ['B', 'C']]);
    expect(relayer.kicks).toBe(1);
    commits[1].resolve();
    await tick();
    expect(relayer.kicks).toBe(2);
  });
});
