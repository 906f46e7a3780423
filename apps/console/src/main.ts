import './styles.css';
import { ApiClient, ApiError, ConnectionLostError } from './api-client';
import { loadConfig } from './config';
import type { LiveListener, View, ViewContext } from './context';
import { h } from './dom';
import { LiveStream, LiveState } from './live';
import { currentToken, signIn, signOut } from './session';
import { fleetView } from './views/fleet';
import { flightView } from './views/flight';
import { planView } from './views/plan';
import { renderSignIn, renderUnreachable } from './views/sign-in';
import { describeError } from './views/errors';

const ROUTES: Record<string, View> = { fleet: fleetView, flight: flightView, plan: planView };
const UNREACHABLE_RETRY_MS = 3_000;

const main = document.getElementById('main') as HTMLElement;
const banner = document.getElementById('banner') as HTMLElement;
const liveText = document.getElementById('live-state') as HTMLElement;
const signOutButton = document.getElementById('sign-out') as HTMLButtonElement;

const liveListeners = new Set<LiveListener>();
const reconnectListeners = new Set<() => void>();
let live: LiveStream | null = null;
let liveState: LiveState = 'stopped';
let wasInterrupted = false;
let callsFailing = false;
let cleanup: (() => void) | null = null;
let running = false;

async function boot(): Promise<void> {
  const config = await loadConfig();
  const api = new ApiClient(config, currentToken, {
    // At the start and while signing in, start() and probe() say it themselves.
    onUnauthorized: (message) => {
      if (running) showSignIn(unauthorized(message));
    },
    onConnection: (ok) => {
      callsFailing = !ok;
      drawBanner();
    },
  });
  const context: ViewContext = {
    api,
    config,
    onLive: (listener) => {
      liveListeners.add(listener);
      return () => liveListeners.delete(listener);
    },
    onReconnected: (listener) => {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    liveState: () => liveState,
  };

  function showSignIn(reason: string | null): void {
    stopApp();
    signOut();
    renderSignIn(main, reason, async (token) => {
      signIn(token);
      const problem = await probe();
      if (problem === null) {
        startApp();
        return null;
      }
      signOut();
      return problem;
    });
  }

  /** null: the API answers with this session; otherwise what stands in the way. */
  async function probe(): Promise<string | null> {
    try {
      await api.request('telemetry', '/docks?limit=1');
      return null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        return unauthorized(error.message);
      }
      return describeError(error);
    }
  }

  function startApp(): void {
    running = true;
    signOutButton.hidden = currentToken() === null;
    live = new LiveStream(api, {
      onEvent: (event, data) => liveListeners.forEach((listener) => listener(event, data)),
      onState: (state, detail) => {
        const previous = liveState;
        liveState = state;
        if (state === 'reconnecting') wasInterrupted = true;
        liveText.textContent = state === 'live' ? 'live' : detail;
        liveText.setAttribute('data-state', state);
        if (state === 'live' && previous !== 'live' && wasInterrupted) {
          wasInterrupted = false;
          reconnectListeners.forEach((listener) => listener());
        }
        drawBanner();
      },
    });
    live.start();
    route();
  }

  function stopApp(): void {
    running = false;
    cleanup?.();
    cleanup = null;
    live?.stop();
    live = null;
    signOutButton.hidden = true;
    banner.hidden = true;
  }

  function route(): void {
    if (!running) return;
    const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
    const view = ROUTES[name] ?? fleetView;
    cleanup?.();
    main.replaceChildren();
    for (const link of document.querySelectorAll('nav a')) {
      const current = link.getAttribute('href') === `#/${name || 'fleet'}`;
      if (current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    cleanup = view(main, context, decodeURIComponent(rest.join('/')));
    main.focus({ preventScroll: true });
  }

  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  async function start(): Promise<void> {
    clearTimeout(retryTimer);
    try {
      await api.request('telemetry', '/docks?limit=1');
      startApp();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        showSignIn(currentToken() ? unauthorized(error.message) : null);
        return;
      }
      renderUnreachable(main, describeError(error), () => void start());
      if (
        error instanceof ConnectionLostError ||
        (error instanceof ApiError && error.status >= 500)
      ) {
        retryTimer = setTimeout(() => void start(), UNREACHABLE_RETRY_MS);
      }
    }
  }

  signOutButton.addEventListener('click', () => showSignIn('Signed out.'));
  window.addEventListener('hashchange', route);
  await start();
}

function unauthorized(message: string): string {
  return `The API did not accept the token (401 Unauthorized): ${message}. Sign in again.`;
}

/** The lost-connection notice: any failing call or an interrupted live stream. */
function drawBanner(): void {
  const lost = running && (callsFailing || liveState === 'reconnecting');
  banner.hidden = !lost;
  if (!lost) return;
  banner.replaceChildren(
    h('strong', {}, 'Connection to the server lost. '),
    callsFailing ? 'Requests fail to reach the server. ' : '',
    liveState === 'reconnecting' ? `Live updates paused: ${liveText.textContent}. ` : '',
    h('button', { type: 'button', onclick: () => live?.retryNow() }, 'Reconnect now'),
  );
}

void boot();
