import { AckWindow, CarriedOver } from './ack-window';

describe('AckWindow', () => {
  it('acknowledges in arrival order: a completed message waits behind an earlier one', () => {
    const window = new AckWindow<string>();
    for (const id of [7, 3, 9, 1]) expect(window.add(id, `m${id}`)).toBe(true);
    expect(window.complete(9)).toEqual([]);
    expect(window.complete(3)).toEqual([]);
    expect(window.size).toBe(4);
    expect(window.complete(7)).toEqual([7, 3, 9]);
    expect(window.size).toBe(1);
    expect(window.complete(1)).toEqual([1]);
    expect(window.size).toBe(0);
  });

  it('refuses a packet id already in the window and ignores ids it does not hold', () => {
    const window = new AckWindow<string>();
    expect(window.add(5, 'a')).toBe(true);
    expect(window.add(5, 'b')).toBe(false);
    expect(window.complete(6)).toEqual([]);
    expect(window.complete(5)).toEqual([5]);
    // Acknowledged: the id may come again (the broker reuses it for a new message).
    expect(window.add(5, 'c')).toBe(true);
  });

  it('hands back what it held when cleared, in arrival order, with whether it was handled', () => {
    const window = new AckWindow<string>();
    window.add(1, 'a');
    window.add(2, 'b');
    window.add(3, 'c');
    window.complete(2);
    expect(window.clear()).toEqual([
      { packetId: 1, value: 'a', done: false },
      { packetId: 2, value: 'b', done: true },
      { packetId: 3, value: 'c', done: false },
    ]);
    expect(window.size).toBe(0);
    expect(window.complete(1)).toEqual([]);
  });

  it('keeps order over many messages completed in random order (ids wrap and are reused)', () => {
    const window = new AckWindow<number>();
    const acked: number[] = [];
    let nextId = 65_530;
    const open: number[] = [];
    const sent: number[] = [];
    for (let step = 0; step < 5_000; step++) {
      if (open.length < 64 && (open.length === 0 || step % 3 !== 0)) {
        const id = nextId;
        nextId = nextId >= 65_535 ? 1 : nextId + 1;
        expect(window.add(id, step)).toBe(true);
        open.push(id);
        sent.push(id);
      } else {
        const [id] = open.splice((step * 7919) % open.length, 1);
        acked.push(...window.complete(id));
      }
    }
    for (const id of [...open].reverse()) acked.push(...window.complete(id));
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
