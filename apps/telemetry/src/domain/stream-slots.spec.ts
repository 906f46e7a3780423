import { StreamSlots } from './stream-slots';

describe('StreamSlots', () => {
  it('refuses a client past its cap while others still get streams', () => {
    const slots = new StreamSlots({ perClient: 2, total: 10 });
    const a1 = slots.acquire('a');
    const a2 = slots.acquire('a');
    expect(a1.ok && a2.ok).toBe(true);
    expect(slots.acquire('a')).toEqual({ ok: false, scope: 'client', limit: 2 });
    expect(slots.acquire('b').ok).toBe(true);
    if (a1.ok) a1.release();
    expect(slots.acquire('a').ok).toBe(true);
  });

  it('refuses everyone past the total cap, and frees a slot once however often released', () => {
    const slots = new StreamSlots({ perClient: 5, total: 2 });
    const first = slots.acquire('a');
    slots.acquire('b');
    expect(slots.acquire('c')).toEqual({ ok: false, scope: 'total', limit: 2 });
    if (first.ok) {
      first.release();
      first.release();
    }
    expect(slots.openStreams).toBe(1);
    expect(slots.acquire('c').ok).toBe(true);
    expect(slots.acquire('d').ok).toBe(false);
  });
});
