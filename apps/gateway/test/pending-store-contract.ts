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

  it('adds many in one call as if added one after the other, outcomes in order', async () => {
    const s = store('a');
    const [t7, t8, t9, t10, t11, t12, t13] = ['t7', 't8', 't9', 't10', 't11', 't12', 't13'].map(
      (t) => subject.id(`SN/${t}`),
    );
    const [waiting, answered, fresh] = ['corr-2', 'corr-3', 'corr-4'].map((c) => subject.id(c));
    await s.add(t7, { n: 7 }, 50_000, waiting);
    await s.add(t8, { n: 8 }, 50_000, answered);
    await s.claim(t8, 1);
    await s.complete(t8);
    expect(await s.addMany([])).toEqual([]);
    expect(
      await s.addMany([
        { id: t9, entry: { n: 9 }, deadline: 50_000, dedupeKey: waiting },
        { id: t10, entry: { n: 10 }, deadline: 50_000, dedupeKey: answered },
        { id: t11, entry: { n: 11 }, deadline: 50_000, dedupeKey: fresh },
        // The same key again in the same call finds the entry added just before.
        { id: t12, entry: { n: 12 }, deadline: 50_000, dedupeKey: fresh },
        { id: t13, entry: { n: 13 }, deadline: 50_000 },
      ]),
    ).toEqual([
      { status: 'pending', id: t7, entry: { n: 7 } },
      { status: 'completed', id: t8 },
      { status: 'added' },
      { status: 'pending', id: t11, entry: { n: 11 } },
      { status: 'added' },
    ]);
    expect(await s.claim(t11, 1)).toEqual({ claimed: true, entry: { n: 11 } });
    for (const id of [t9, t10, t12]) {
      expect(await s.claim(id, 1)).toEqual({ claimed: false, reason: 'unknown' });
    }
    // Each entry's deadline was recorded: the sweep finds t13 at its deadline, not before.
    const sweeper = store('b');
    expect((await sweeper.claimExpired(49_999, 100)).map((e) => e.id)).not.toContain(t13);
    expect(await sweeper.claimExpired(50_000, 100)).toContainEqual({ id: t13, entry: { n: 13 } });
  });
}
