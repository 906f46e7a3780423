import type { MessageEvent } from '@nestjs/common';
import { filter, interval, map, merge, Observable, Subject, takeUntil } from 'rxjs';
import type { LiveUpdate } from '../../domain/live-update';

export interface LiveFilter {
  /** Only this dock's updates; null: every dock. */
  readonly dock: string | null;
  /** Only these SSE event names; null: all of them. */
  readonly events: ReadonlySet<string> | null;
}

/**
 * In-process fan-out of live updates to the open SSE connections of this replica. It is fed by
 * the replica's own live-feed consumer, which reads every partition (see LiveFeedConsumer), so
 * each replica can serve any dock.
 */
export class LiveBroadcaster {
  private readonly updates = new Subject<LiveUpdate>();
  private readonly closing = new Subject<void>();
  private subscribers = 0;

  constructor(private readonly onSubscribersChange: (count: number) => void = () => undefined) {}

  get subscriberCount(): number {
    return this.subscribers;
  }

  publish(update: LiveUpdate): void {
    if (this.subscribers > 0) this.updates.next(update);
  }

  /**
   * One connection's stream: its updates as SSE messages plus a `heartbeat` every
   * `heartbeatMs`, so proxies keep an idle connection open and clients notice a dead one.
   */
  stream(liveFilter: LiveFilter, heartbeatMs: number): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      this.changeCount(1);
      const updates = this.updates.pipe(
        filter((u) => liveFilter.dock === null || u.gatewaySn === liveFilter.dock),
        filter((u) => liveFilter.events === null || liveFilter.events.has(u.event)),
        map((u): MessageEvent => ({ type: u.event, data: u.data })),
      );
      const heartbeats = interval(heartbeatMs).pipe(
        map((): MessageEvent => ({ type: 'heartbeat', data: { at: new Date().toISOString() } })),
      );
      const subscription = merge(updates, heartbeats)
        .pipe(takeUntil(this.closing))
        .subscribe(subscriber);
      return () => {
        subscription.unsubscribe();
        this.changeCount(-1);
      };
    });
  }

  /** Ends every open stream (at shutdown, so the HTTP server can close its connections). */
  close(): void {
    this.closing.next();
    this.closing.complete();
    this.updates.complete();
  }

  private changeCount(delta: number): void {
    this.subscribers += delta;
    this.onSubscribersChange(this.subscribers);
  }
}
