import { ApiClient, ApiError } from './api-client';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface LiveHandlers {
  /** One SSE event: its name (progress, rth, exit_homing, ready, topology) and parsed data. */
  onEvent(event: string, data: unknown): void;
  onState(state: LiveState, detail: string): void;
}

const EVENTS = ['progress', 'rth', 'exit_homing', 'ready', 'topology', 'overflow'] as const;
const MAX_BACKOFF_MS = 15_000;

/**
 * The telemetry live stream in the browser: a ticket from POST /stream/tickets (with the
 * token, in a header), then EventSource on /stream?ticket=. When the stream drops (server
 * gone, ticket expired, overflow) a new ticket is asked for, with a growing pause; a 401 on
 * the ticket ends it (the sign-in screen takes over). After a reconnection the views re-read
 * the current state (onState 'live' again), since events in the gap are not replayed.
 */
export class LiveStream {
  private source: EventSource | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private stopped = false;

  constructor(
    private readonly api: ApiClient,
    private readonly handlers: LiveHandlers,
    private readonly dock?: string,
  ) {}

  start(): void {
    this.stopped = false;
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
    this.handlers.onState('stopped', 'live updates stopped');
  }

  /** Reconnect at once (the "Reconnect now" button). */
  retryNow(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
    void this.open();
  }

  private async open(): Promise<void> {
    this.handlers.onState(this.attempts === 0 ? 'connecting' : 'reconnecting', 'connecting');
    let ticket: string;
    try {
      ticket = (await this.api.streamTicket()).ticket;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.stop();
        return;
      }
      this.scheduleRetry(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.stopped) return;
    const source = new EventSource(this.api.streamUrl(ticket, this.dock));
    this.source = source;
    source.onopen = () => {
      this.attempts = 0;
      this.handlers.onState('live', 'live');
    };
    source.onerror = () => {
      // EventSource retries by itself with the same URL; a closed one (401: expired ticket,
      // or the server answered something else) needs a new ticket.
      if (source.readyState === EventSource.CLOSED || this.attempts > 0) {
        source.close();
        if (this.source === source) this.source = null;
        this.scheduleRetry('the live stream was interrupted');
      } else {
        this.attempts += 1;
        this.handlers.onState('reconnecting', 'the live stream was interrupted');
      }
    };
    for (const name of EVENTS) {
      source.addEventListener(name, (event) => {
        const data = parse((event as MessageEvent<string>).data);
        if (name === 'overflow') {
          source.close();
          this.scheduleRetry('the live stream fell behind and was restarted');
          return;
        }
        this.handlers.onEvent(name, data);
      });
    }
  }

  private scheduleRetry(reason: string): void {
    if (this.stopped || this.timer) return;
    this.attempts += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.attempts, 5));
    this.handlers.onState(
      'reconnecting',
      `${reason}; reconnecting in ${Math.round(delay / 1000)} s`,
    );
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.open();
    }, delay);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
