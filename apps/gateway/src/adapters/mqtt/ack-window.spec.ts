import { AckWindow, CarriedOver, WindowEntry } from './ack-window';

describe('AckWindow', () => {
  it('acknowledges in arrival order: a completed message waits behind an earlier one', () => {
    const window = new AckWindow<string>();
    const [m7, m3, m9, m1] = [7, 3, 9, 1].map((id) => window.add(id, `m${id}`));
    expect(window.complete(m9)).toEqual([]);
    expect(window.complete(m3)).toEqual([]);
    expect(window.size).toBe(4);
    expect(window.complete(m7)).toEqual([7, 3, 9]);
    expect(window.size).toBe(1);
    expect(window.complete(m1)).toEqual([1]);
    expect(window.size).toBe(0);
  });

  it('keeps a packet id the broker reuses while in flight as a message of its own, in order', () => {
    const window = new AckWindow<string>();
    const first = window.add(5, 'a');
    expect(window.holds(5)).toBe(true);
    const other = window.add(6, 'b');
    const second = window.add(5, 'c');
    expect(window.complete(second)).toEqual([]);
    expect(window.complete(first)).toEqual([5]);
    expect(window.complete(other)).toEqual([6, 5]);
    expect(window.holds(5)).toBe(false);
    // Completing an entry twice acknowledges nothing more.
    expect(window.complete(first)).toEqual([]);
  });

  it('hands back what it held when cleared, in arrival order; old entries acknowledge nothing', () => {
    const window = new AckWindow<string>();
    const a = window.add(1, 'a');
    const b = window.add(2, 'b');
    window.add(3, 'c');
    window.complete(b);
    expect(window.clear()).toEqual([
      { packetId: 1, value: 'a', done: false },
      { packetId: 2, value: 'b', done: true },
      { packetId: 3, value: 'c', done: false },
    ]);
    expect(window.size).toBe(0);
    const fresh = window.add(1, 'a again');
    expect(window.complete(a)).toEqual([]);
    expect(window.complete(fresh)).toEqual([1]);
  });

  it('keeps order over many messages completed in random order (ids wrap and are reused)', () => {
    const window = new AckWindow<number>();
    const acked: number[] = [];
    let nextId = 65_530;
    const open: WindowEntry<number>[] = [];
    const sent: number[] = [];
    for (let step = 0; step < 5_000; step++) {
      if (open.length < 64 && (open.length === 0 || step % 3 !== 0)) {
        const id = nextId;
        nextId = nextId >= 65_535 ? 1 : nextId + 1;
        open.push(window.add(id, step));
        sent.push(id);
      } else {
        const [entry] = open.splice((step * 7919) % open.length, 1);
        acked.push(...window.complete(entry));
      }
    }
    for (const entry of [...open].reverse()) acked.push(...window.complete(entry));
    expect(acked).toEqual(sent);
    expect(window.size).toBe(0);
  });
});

describe('CarriedOver', () => {
  const handled = Promise.resolve();
  const payload = Buffer.from('{"tid":"t1"}');

  it('hands a redelivered message (same id, DUP, same topic and payload) its handling', () => {
    const carried = new CarriedOver();
    carried.keep(4, { topic: 'a/b', payload, handled });
    expect(carried.claim(4, true, 'a/b', Buffer.from(payload))).toBe(handled);
    expect(carried.size).toBe(0);
  });

  it('does not match a new message under the same id, another payload or another topic', () => {
    const carried = new CarriedOver();
    carried.keep(4, { topic: 'a/b', payload, handled });
    expect(carried.claim(4, false, 'a/b', payload)).toBeUndefined();
    carried.keep(4, { topic: 'a/b', payload, handled });
    expect(carried.claim(4, true, 'a/b', Buffer.from('{"tid":"t2"}'))).toBeUndefined();
    carried.keep(4, { topic: 'a/b', payload, handled });
    expect(carried.claim(4, true, 'a/c', payload)).toBeUndefined();
    expect(carried.claim(5, true, 'a/b', payload)).toBeUndefined();
  });

  it('forgets everything when the session did not survive', () => {
    const carried = new CarriedOver();
    carried.keep(1, { topic: 'a/b', payload, handled });
    carried.forget();
    expect(carried.claim(1, true, 'a/b', payload)).toBeUndefined();
  });
});
