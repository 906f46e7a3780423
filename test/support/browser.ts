import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Browser, chromium } from 'playwright-core';

/** Debian's chromium, installed by `node scripts/browser.js ensure` (npm run test:integration). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps trying
 * to reach Google's services. Playwright adds --headless and a fresh --user-data-dir (a new
 * temporary profile per launch, removed at close).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where browser tests leave screenshots (gitignored). */
export const BROWSER_OUTPUT_DIR = path.resolve(__dirname, '..', '..', 'test-output', 'browser');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: run \`node scripts/browser.js ensure\` (installs Debian's ` +
        'chromium; npm run test:integration does it first), or set CHROMIUM_PATH',
    );
  }
  await mkdir(BROWSER_OUTPUT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}
