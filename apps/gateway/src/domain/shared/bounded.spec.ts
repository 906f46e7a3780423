import { forEachBounded } from './bounded';
import { deferred, tick } from '../../../../../test/support/deferred';

describe('forEachBounded', () => {
  it('runs every item with at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
      done.push(n);
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects with the first error only after the runs in flight settled, starting no more', async () => {
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    let settled = false;
    const run = forEachBounded([0, 1, 2], 2, async (i) => {
      started.push(i);
      await gates[i].promise;
    }).finally(() => {
      settled = true;
    });
    await tick();
    expect(started).toEqual([0, 1]);
    gates[0].reject(new Error('first'));
    await tick();
    // Item 1 still runs: the whole call has not settled, and item 2 was never started.
    expect(settled).toBe(false);
    expect(started).toEqual([0, 1]);
    gates[1].resolve();
    await expect(run).rejects.toThrow('first');
    expect(started).toEqual([0, 1]);
  });

  it('does nothing for no items', async () => {
    await expect(forEachBounded([], 4, () => Promise.reject(new Error('x')))).resolves.toBe(
      undefined,
    );
  });
});
