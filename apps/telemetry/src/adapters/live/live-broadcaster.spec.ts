import type { MessageEvent } from '@nestjs/common';
import type { LiveUpdate } from '../../domain/live-update';
import { LiveBroadcaster } from './live-broadcaster';

const update = (gatewaySn: string, event: 'ready' | 'topology'): LiveUpdate =>
  event === 'ready'
    ? { event, gatewaySn, data: { gatewaySn, tid: 't', reportedAt: 'x', flightIds: ['F'] } }
    : {
        event,
        gatewaySn,
        data: {
          gatewaySn,
          reportedAt: 'x',
          dockOnline: true,
          aircraftOnline: false,
          aircraftSn: null,
        },
      };

describe('LiveBroadcaster', () => {
  it('delivers updates of the chosen dock and events, and ends streams on close', () => {
    const counts: number[] = [];
    const broadcaster = new LiveBroadcaster((n) => counts.push(n));
    const dockOnly: MessageEvent[] = [];
    const readyOnly: MessageEvent[] = [];
    let completed = 0;
    broadcaster
      .stream({ dock: 'A', events: null }, 60_000)
      .subscribe({ next: (m) => dockOnly.push(m), complete: () => completed++ });
    broadcaster
      .stream({ dock: null, events: new Set(['ready']) }, 60_000)
      .subscribe({ next: (m) => readyOnly.push(m), complete: () => completed++ });

    broadcaster.publish(update('A', 'ready'));
    broadcaster.publish(update('B', 'ready'));
    broadcaster.publish(update('A', 'topology'));

    expect(dockOnly.map((m) => m.type)).toEqual(['ready', 'topology']);
    expect(readyOnly.map((m) => (m.data as { gatewaySn: string }).gatewaySn)).toEqual(['A', 'B']);
    expect(broadcaster.subscriberCount).toBe(2);

    broadcaster.close();
    expect(completed).toBe(2);
    expect(broadcaster.subscriberCount).toBe(0);
    expect(counts).toEqual([1, 2, 1, 0]);
  });
});
