import type { ApiClient } from './api-client';
import type { ConsoleConfig } from './config';
import type { LiveState } from './live';

export type LiveListener = (event: string, data: unknown) => void;

/** What every view gets: the API client, the settings and the one live stream of the page. */
export interface ViewContext {
  readonly api: ApiClient;
  readonly config: ConsoleConfig;
  /** Live events of the whole fleet; returns the unsubscribe function. */
  onLive(listener: LiveListener): () => void;
  /** Called when the live stream is (again) connected: re-read what may have been missed. */
  onReconnected(listener: () => void): () => void;
  readonly liveState: () => LiveState;
}

/** A view draws into its container and returns its cleanup (unsubscribe, timers). */
export type View = (container: HTMLElement, context: ViewContext, param: string) => () => void;
