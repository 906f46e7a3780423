import { filter, Observable, Subject, takeUntil } from 'rxjs';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type { LiveUpdate } from '../../domain/live-update';
import { sseEvent } from './sse-format';

export interface LiveFilter {
  /** Only this dock's updates; null: every dock. */
  readonly dock: string | null;
  /** Only these SSE event names; null: all of them. */
  readonly events: ReadonlySet<string> | null;
  /**
   * Only updates of this organization. The API always sets it (the request's organization);
   * absent only where no request is involved.
   */
  readonly organizationId?: string;
}

/** One update as every connection writes it: serialised once, whatever the number of clients. */
export interface LiveFrame {
  readonly update: LiveUpdate;
  /** The organization the update belongs to (see domain/organizations.ts). */
  readonly organizationId: string;
  /** The SSE message (`event:` and `data:` lines), UTF-8. */
  readonly bytes: Buffer;
}

/**
 * In-process fan-out of live updates to the open SSE connections of this replica. It is fed by
 * the replica's own live-feed consumer, which reads every partition (see LiveFeedConsumer), so
 * each replica can serve any dock. Publishing never waits for a client: each connection
 * (SseConnection) bounds what may wait for it and drops a client that stops reading.
 */
export class LiveBroadcaster {
  private readonly frames = new Subject<LiveFrame>();
  private readonly closing = new Subject<void>();
  private subscribers = 0;

  constructor(private readonly onSubscribersChange: (count: number) => void = () => undefined) {}

  get subscriberCount(): number {
    return this.subscribers;
  }

  publish(update: LiveUpdate, organizationId: string = DEFAULT_ORGANIZATION_ID): void {
    if (this.subscribers === 0) return;
    this.frames.next({
      update,
      organizationId,
      bytes: Buffer.from(sseEvent(update.event, update.data), 'utf8'),
    });
  }

  /** One connection's updates; it completes when the broadcaster closes. */
  stream(liveFilter: LiveFilter): Observable<LiveFrame> {
    return new Observable<LiveFrame>((subscriber) => {
      this.changeCount(1);
      const subscription = this.frames
        .pipe(
          filter(
            ({ update, organizationId }) =>
              (liveFilter.organizationId === undefined ||
                organizationId === liveFilter.organizationId) &&
              (liveFilter.dock === null || update.gatewaySn === liveFilter.dock) &&
              (liveFilter.events === null || liveFilter.events.has(update.event)),
          ),
          takeUntil(this.closing),
        )
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
    this.frames.complete();
  }

  private changeCount(delta: number): void {
    this.subscribers += delta;
    this.onSubscribersChange(this.subscribers);
  }
}
