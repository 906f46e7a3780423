import type { LiveUpdate } from '../../domain/live-update';
import { LiveBroadcaster, LiveFrame } from './live-broadcaster';

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
    const dockOnly: LiveFrame[] = [];
    const readyOnly: LiveFrame[] = [];
    let completed = 0;
    broadcaster
      .stream({ dock: 'A', events: null })
      .subscribe({ next: (m) => dockOnly.push(m), complete: () => completed++ });
    broadcaster
      .stream({ dock: null, events: new Set(['ready']) })
      .subscribe({ next: (m) => readyOnly.push(m), complete: () => completed++ });

    broadcaster.publish(update('A', 'ready'));
    broadcaster.publish(update('B', 'ready'));
    broadcaster.publish(update('A', 'topology'));

    expect(dockOnly.map((m) => m.update.event)).toEqual(['ready', 'topology']);
    expect(readyOnly.map((m) => m.update.gatewaySn)).toEqual(['A', 'B']);
    expect(broadcaster.subscriberCount).toBe(2);

    broadcaster.close();
    expect(completed).toBe(2);
    expect(broadcaster.subscriberCount).toBe(0);
    expect(counts).toEqual([1, 2, 1, 0]);
  });

  it('serialises an update once as an SSE message, shared by every connection', () => {
    const broadcaster = new LiveBroadcaster();
    const first: LiveFrame[] = [];
    const second: LiveFrame[] = [];
    broadcaster.stream({ dock: null, events: null }).subscribe((m) => first.push(m));
    broadcaster.stream({ dock: null, events: null }).subscribe((m) => second.push(m));
    broadcaster.publish(update('A', 'ready'));
    expect(first[0]?.bytes).toBe(second[0]?.bytes);
    expect(first[0]?.bytes.toString()).toBe(
      'event: ready\ndata: {"gatewaySn":"A","tid":"t","reportedAt":"x","flightIds":["F"]}\n\n',
    );
  });

  it("delivers to a stream only its organization's updates", () => {
    const broadcaster = new LiveBroadcaster();
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    broadcaster
      .stream({ dock: null, events: null, organizationId: 'org-a' })
      .subscribe((frame) => seenByA.push(`${frame.update.gatewaySn}:${frame.organizationId}`));
    broadcaster
      .stream({ dock: null, events: null, organizationId: 'org-b' })
      .subscribe((frame) => seenByB.push(`${frame.update.gatewaySn}:${frame.organizationId}`));
    broadcaster.publish(update('A', 'ready'), 'org-a');
    broadcaster.publish(update('B', 'ready'), 'org-b');
    broadcaster.publish(update('C', 'topology'), 'org-a');
    expect(seenByA).toEqual(['A:org-a', 'C:org-a']);
    expect(seenByB).toEqual(['B:org-b']);
  });
});
