import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the operator console's static bundle (dist/console, built by `npm run build` or
 * `npm start`) is, what its config.json says, and the Content-Security-Policy it runs under.
 * Plain functions: the HTTP side is console-static.ts.
 */

export interface ConsoleSite {
  /** The directory holding index.html and assets/; null when the console is not built. */
  readonly dir: string | null;
  readonly tileUrl: string | null;
}

/** An XYZ tile URL: http(s) with {z}, {x} and {y}. */
export function isTileUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value.replace(/\{[zxy]\}/g, '0'));
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    ['{z}', '{x}', '{y}'].every((part) => value.includes(part))
  );
}

/**
 * The bundle's directory: CONSOLE_DIR when set, else dist/console of the checkout, found from
 * the working directory or from this code's place (the built bundle, or its sources in tests).
 */
export function findConsoleDir(
  explicit: string | undefined,
  here: string = __dirname,
): string | null {
  const candidates = explicit
    ? [path.resolve(explicit)]
    : [
        path.resolve('dist/console'),
        // dist/apps/standalone/main.js -> dist/console
        path.resolve(here, '../../console'),
        // apps/standalone/src/console/*.ts -> dist/console
        path.resolve(here, '../../../../dist/console'),
      ];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? null;
}

/** What the page reads at start: same-origin APIs (embedded mode) and the tile URL. */
export function consoleConfigJson(site: ConsoleSite): string {
  return JSON.stringify({
    api: { mission: '', telemetry: '', file: '', registry: '', alerts: '' },
    tileUrl: site.tileUrl,
    organizationId: null,
  });
}

/**
 * Scripts, styles and calls only to this origin; images also from the tile server when one
 * is configured (data: for the empty favicon). No inline script or style.
 */
export function consoleCsp(tileUrl: string | null): string {
  const tiles = tileUrl ? ` ${new URL(tileUrl.replace(/\{[zxy]\}/g, '0')).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${tiles}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
