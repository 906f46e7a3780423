// The in-memory store (unit tests, the embedded mode) passes the same contract as Redis's.
import { definePendingStoreContract } from '../../../test/pending-store-contract';
import { MemoryPendingState, MemoryPendingStore } from './memory-pending-store';

describe('MemoryPendingStore honours the PendingStore contract', () => {
  let state = new MemoryPendingState<{ n: number }>();
  beforeEach(() => {
    state = new MemoryPendingState<{ n: number }>();
  });
  definePendingStoreContract({
    store: (instanceId, bootId, leaseMs) =>
      new MemoryPendingStore({ state, instanceId, bootId, leaseMs, dedupeTtlMs: 60_000 }),
    id: (local) => local,
  });

  it('forgets a dedupe key after its time to live', async () => {
    let now = 0;
    const store = new MemoryPendingStore<{ n: number }>({ dedupeTtlMs: 1_000, now: () => now });
    await store.add('SN/a', { n: 1 }, 10, 'corr');
    await store.claim('SN/a', 1);
    await store.complete('SN/a');
    now = 1_001;
    expect(await store.add('SN/b', { n: 2 }, 10, 'corr')).toEqual({ status: 'added' });
  });
});
