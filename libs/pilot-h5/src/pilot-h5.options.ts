import type { ApiAuthSettings } from '@dock/platform';
import type { PilotBootstrapSource } from './domain/pilot-bootstrap';

export interface PilotH5Options {
  /** Says what a signed-in caller's remote controller gets (licence, broker, API, organization). */
  bootstrap: PilotBootstrapSource;
  /**
   * The app's API auth (API_TOKENS, AUTH_DISABLED): POST {prefix}/bootstrap checks it itself,
   * so the secrets stay behind a token even in an app without the global BearerAuthGuard.
   */
  auth: ApiAuthSettings;
  /** Where the page is served; default /pilot. */
  pathPrefix?: string;
  /** This system's name, shown on the page and in Pilot's cloud portal. */
  platformName?: string;
  /** How long the page waits for Pilot's thing connect callback (default 30 s). */
  thingTimeoutMs?: number;
}

export const DEFAULT_PILOT_PATH = '/pilot';
export const DEFAULT_PLATFORM_NAME = 'Dock fleet cloud';
export const DEFAULT_THING_TIMEOUT_MS = 30_000;

/** The callback name Pilot calls with the broker connection state (a page global). */
export const THING_CALLBACK = 'pilotH5ThingConnect';

/** `/pilot`, `pilot/`, `/a/b` -> `/pilot`, `/pilot`, `/a/b`; anything else is refused. */
export function normalizePathPrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? DEFAULT_PILOT_PATH).trim().replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(trimmed)) {
    throw new Error(
      `PilotH5Module: pathPrefix "${prefix}" must be a path like /pilot (letters, digits, . _ ~ -)`,
    );
  }
  return `/${trimmed}`;
}
