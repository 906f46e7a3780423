// The PendingStore contract: one suite for every store (Redis in
// test/integration/gateway/redis-pending-store.integration-spec.ts, memory in
// apps/gateway/src/domain/pending/memory-pending-store.spec.ts). Several stores made by
// `store` share one state, as gateway replicas share one Redis.
import type { PendingStore } from '../src/domain/pending/pending-store';

export interface PendingStoreSubject {
  /** A store of replica `instanceId` (life `bootId`) over the state every store shares. */
  store(instanceId: string, bootId?: string, leaseMs?: number): PendingStore<{ n: number }>;
  /** Ids unique to this run (a shared Redis keeps other runs' entries). */
  id(local: string): string;
}

export function definePendingStoreContract(subject: PendingStoreSubject): void {
  const store = (instanceId: string, bootId = 'boot1', leaseMs = 1_000) =>
    subject.store(instanceId, bootId, leaseMs);

  it('lets exactly one of many concurrent claimants win', async () => {
    const id = subject.id('SN/t1');
    await store('a').add(id, { n: 1 }, 10_000);
    const claimants = Array.from({ length: 20 }, (_, i) => store(`gw-${i}`));
    const outcomes = await Promise.all(claimants.map((s) => s.claim(id, 1_000)));
    expect(outcomes.filter((o) => o.claimed)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.claimed && o.reason === 'held')).toHaveLength(19);
    const winner = claimants[outcomes.findIndex((o) => o.claimed)];
    expect(await claimants.find((s) => s !== winner)?.complete(id)).toBe(false);
    expect(await winner.complete(id)).toBe(true);
    expect(await store('x').claim(id, 1_000)).toEqual({ claimed: false, reason: 'unknown' });
  });

  it('hands expired entries to exactly one sweeper, and an abandoned claim to the next after its lease', async () => {
    const id = subject.id('SN/t2');
    await store('a').add(id, { n: 2 }, 5_000);
    expect(await store('a').claimExpired(4_999, 10)).toEqual([]);
    const [first, second] = await Promise.all([
      store('a').claimExpired(5_000, 10),
      store('b').claimExpired(5_000, 10),
    ]);
    expect(first.length + second.length).toBe(1);
    // Its claimant died: nobody else may take it before the lease (1 s) runs out, then one can.
    expect(await store('c').claimExpired(5_999, 10)).toEqual([]);
    const taken = await store('c').claimExpired(6_001, 10);
    expect(taken).toEqual([{ id, entry: { n: 2 } }]);
    expect(await store('c').complete(id)).toBe(true);
  });

  it('lets a restarted instance (same id, new boot) take over its own live claim', async () => {
    const id = subject.id('SN/t3');
    await store('a').add(id, { n: 3 }, 50_000);
    expect((await store('gw-9', 'life1').claim(id, 1_000)).claimed).toBe(true);
    expect(await store('gw-8', 'x').claim(id, 1_100)).toEqual({ claimed: false, reason: 'held' });
    expect((await store('gw-9', 'life2').claim(id, 1_100)).claimed).toBe(true);
    expect(await store('gw-9', 'life1').complete(id)).toBe(false);
    expect(await store('gw-9', 'life2').complete(id)).toBe(true);
  });

  it('remembers a dedupe key: pending entries are returned, completed ones reported', async () => {
    const s = store('a');
    const [t4, t5, t6] = ['SN/t4', 'SN/t5', 'SN/t6'].map((id) => subject.id(id));
    const correlation = subject.id('corr-1');
    expect(await s.add(t4, { n: 4 }, 50_000, correlation)).toEqual({ status: 'added' });
    expect(await s.add(t5, { n: 5 }, 50_000, correlation)).toEqual({
      status: 'pending',
      id: t4,
      entry: { n: 4 },
    });
    await s.claim(t4, 1);
    await s.complete(t4);
    expect(await s.add(t6, { n: 6 }, 50_000, correlation)).toEqual({
      status: 'completed',
      id: t4,
    });
  });
}
