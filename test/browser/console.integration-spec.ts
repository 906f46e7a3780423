import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createSimulatedDock, SimulatedDock } from '../../apps/dock-simulator/src';
import { httpKmzDownloader } from '../../apps/dock-simulator/src/adapters/kmz-downloader';
import { EmbeddedSystem, startEmbeddedSystem } from '../../apps/standalone/test/embedded-system';
import { buildKmz } from '../e2e/support/kmz';
import { SCENARIO_SETTINGS } from '../e2e/support/system-under-test';
import { BROWSER_OUTPUT_DIR, launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';

const ROOT = path.resolve(__dirname, '..', '..');

/** The parts of a form control the label check reads (this file is compiled without DOM types). */
interface LabelledControl {
  readonly id: string;
  readonly tagName: string;
  readonly textContent: string | null;
  readonly labels?: { readonly length: number } | null;
  getAttribute(name: string): string | null;
}

/** Builds apps/console with Vite into a directory of this run (what `npm run build` does). */
/** A 1x1 PNG: what the stand-in tile server answers for every tile. */
const TILE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

function buildConsole(outDir: string): void {
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'apps/console/vite.config.ts', '--outDir', outDir],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}${result.stderr}`);
}

/**
 * The operator console in headless Chromium (Debian's package) against the embedded mode (run
 * from source, as `npm start` would, with API_TOKENS) and two simulated docks: sign-in, the
 * fleet (registry model and presence, positions from the docks' osd on the map, HMS alerts),
 * a task created in the console that flies with its progress, HMS alert and return path live,
 * pause and resume, a refused KMZ, and a lost connection that comes back.
 * Screenshots: test-output/browser/console-*.png.
 */
describe('operator console in a browser', () => {
  const run = randomBytes(3).toString('hex').toUpperCase();
  const token = `console-${randomBytes(12).toString('hex')}`;
  const buildDir = mkdtempSync(path.join(tmpdir(), 'console-build-'));
  const env = {
    ...SCENARIO_SETTINGS,
    API_TOKENS: `${DEFAULT_ORGANIZATION_ID}:${token}`,
    CONSOLE_DIR: buildDir,
    LOG_LEVEL: 'warn',
    GATEWAY_INSTANCE_ID: `console-${run}`,
  };
  let system: EmbeddedSystem;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const docks: SimulatedDock[] = [];
  const requests: string[] = [];
  const pageErrors: string[] = [];
  const tileRequests: string[] = [];
  let tileServer: Server;
  let tileUrl: string;

  beforeAll(async () => {
    buildConsole(buildDir);
    tileServer = createServer((request, response) => {
      tileRequests.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'image/png' }).end(TILE_PNG);
    });
    await new Promise<void>((resolve) => tileServer.listen(0, '127.0.0.1', resolve));
    tileUrl = `http://127.0.0.1:${(tileServer.address() as AddressInfo).port}/{z}/{x}/{y}.png`;
    system = await startEmbeddedSystem({ fromSource: true, env, snPrefix: `CON${run}` });
    // The docks join the default organization with the code the embedded mode wrote, as an
    // operator would in Pilot 2 (the registry then lists them with their model).
    for (const index of [1, 2]) {
      const dock = createSimulatedDock({
        sn: `${system.snPrefix}000${index}`,
        mqtt: {
          url: system.mqttUrl,
          protocolVersion: 4,
          reconnectPeriodMs: 500,
          ...system.mqttLogin,
        },
        // Slow enough to pause, resume and return home mid-wayline.
        behaviour: {
          organization: system.organization,
          speed: 10,
          waypoints: 20,
          progressIntervalMs: 200,
          osdIntervalMs: 1000,
          // On its way home the aircraft stops returning for a moment (an exit-RTH notice).
          exitHomingTriggers: [{ afterMs: 1_000, reason: 0, holdMs: 2_000 }],
          // An aircraft health alert raised and cleared mid-flight (the alerts service).
          hms: true,
        },
        downloader: httpKmzDownloader(10_000),
      });
      docks.push(dock);
      await dock.start();
    }
    // Only a bound dock's telemetry passes the embedded broker (issue 15).
    await eventually(
      () =>
        expect(docks.map((dock) => dock.snapshot().onboarding.state)).toEqual(['bound', 'bound']),
      { timeoutMs: 30_000 },
    );
    browser = await launchChromium();
    // A tablet's width (iPad Air, portrait): the views must work there.
    context = await browser.newContext({ viewport: { width: 820, height: 1180 } });
    page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    for (const dock of docks) await dock.stop().catch(() => undefined);
    await system?.stop();
    tileServer?.close();
    if (system) rmSync(system.dataDir, { recursive: true, force: true });
    rmSync(buildDir, { recursive: true, force: true });
  }, 60_000);

  const text = async (selector: string) => (await page.locator(selector).textContent()) ?? '';

  it('asks for the API token, refuses a wrong one plainly, then shows the fleet live', async () => {
    await page.goto(system.httpUrl);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(async () =>
      expect(await text('#sign-in-message')).toContain(
        'The API did not accept the token (401 Unauthorized)',
      ),
    );

    // Keyboard only: the field has focus again after a refusal is shown.
    await page.getByLabel('API token').fill(token);
    await page.getByLabel('API token').press('Enter');
    for (const dock of docks) {
      await eventually(
        async () => expect(await page.locator(`tr[data-dock="${dock.sn}"]`).count()).toBe(1),
        { timeoutMs: 20_000 },
      );
    }
    await eventually(async () => expect(await text('#live-state')).toBe('live'));
    // The registry's model and presence, no active alert (the alerts service answered).
    await eventually(
      async () => {
        const row = await text(`tr[data-dock="${docks[0].sn}"]`);
        expect(row).toContain('DJI Dock 3');
        expect(row).toContain('online');
      },
      { timeoutMs: 30_000 },
    );
    expect(
      await page.locator(`tr[data-dock="${docks[0].sn}"] td.alerts`).getAttribute('data-alerts'),
    ).toBe('0');
    expect(await page.locator('#fleet-problems').isVisible()).toBe(false);
    // Each dock on the map where its own osd puts it, before any flight.
    for (const dock of docks) {
      await eventually(
        async () => expect(await page.locator(`g[data-marker="${dock.sn}"]`).count()).toBe(1),
        { timeoutMs: 30_000 },
      );
    }
    expect(await text('#tiles-state')).toContain('Map tiles off');
    // Filtering narrows the list: by text, and to the docks with active alerts (none yet).
    await page.getByLabel('Filter docks').fill(docks[1].sn);
    expect(await page.locator('#fleet-table tbody tr').count()).toBe(1);
    await page.getByLabel('Filter docks').fill('');
    await page.getByLabel('HMS alerts').selectOption('with');
    expect(await page.locator('#fleet-table tbody tr').count()).toBe(0);
    await page.getByLabel('HMS alerts').selectOption('all');
    expect(await page.locator('#fleet-table tbody tr').count()).toBe(2);
    await page.screenshot({
      path: path.join(BROWSER_OUTPUT_DIR, 'console-fleet-docks.png'),
      fullPage: true,
    });
  });

  it('serves the bundle with cache headers and a CSP; the API keeps its routes and auth', async () => {
    const index = await fetch(`${system.httpUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${system.httpUrl}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // The bundle holds no CDN address: everything comes from this server.
    expect(await asset.text()).not.toMatch(/https:\/\/(unpkg|cdn|fonts)\./);
    expect((await fetch(`${system.httpUrl}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    const config = await fetch(`${system.httpUrl}/config.json`);
    expect(config.headers.get('cache-control')).toBe('no-store');
    expect(await config.json()).toMatchObject({ tileUrl: null });
    // The API answers as before: behind its token, at its own paths.
    expect((await fetch(`${system.httpUrl}/docks`)).status).toBe(401);
    expect((await fetch(`${system.httpUrl}/health/ready`)).status).toBe(200);
    expect((await fetch(`${system.httpUrl}/`, { method: 'POST' })).status).toBe(404);
  });

  it('shows a refused KMZ with the check that refused it', async () => {
    await page.goto(`${system.httpUrl}/#/plan`);
    await page.getByLabel('Wayline name').fill('broken');
    await page.getByLabel('KMZ file').setInputFiles({
      name: 'broken.kmz',
      mimeType: 'application/vnd.google-earth.kmz',
      buffer: Buffer.from('this is not a zip archive'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await eventually(async () =>
      expect(await text('#upload-result')).toMatch(/^The KMZ was refused: .+ \(not_a_zip\)$/),
    );
    expect(await page.locator('#upload-result').getAttribute('role')).toBe('alert');
  });

  it('creates a task that flies: progress, pause and resume, return home and its path, live', async () => {
    const kmz = await buildKmz(`console ${run}`, 4);
    await page.getByLabel('Wayline name').fill(`console ${run}`);
    await page.getByLabel('KMZ file').setInputFiles({
      name: 'console.kmz',
      mimeType: 'application/vnd.google-earth.kmz',
      buffer: kmz.bytes,
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await eventually(async () => expect(await text('#upload-result')).toMatch(/^Uploaded/));

    const dock = docks[0];
    await page.getByLabel('Task name').fill(`console flight ${run}`);
    await page.getByLabel('Dock SN', { exact: true }).first().fill(dock.sn);
    await page.getByLabel('Type').selectOption('immediate');
    await page.getByRole('button', { name: 'Create task' }).click();
    await eventually(async () => expect(await text('#task-result')).toContain('Task created'));
    await page.locator('#created-task').click();

    // Progress arrives through the live stream; the wayline is being flown (step 21).
    await eventually(
      async () =>
        expect(await text('#flight-step')).toMatch(
          /waypoint \d+, [1-9]\d* %, step Wayline execution in progress/,
        ),
      { timeoutMs: 30_000 },
    );
    expect(await page.locator('#timeline tbody tr').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await eventually(
      async () =>
        expect(await text('li[data-command="Pause"]')).toMatch(
          /^Pause: accepted by the dock \(code 0/,
        ),
      { timeoutMs: 15_000 },
    );
    await eventually(
      async () =>
        expect(await page.locator('#flight-summary').getAttribute('data-state')).toBe('paused'),
      { timeoutMs: 15_000 },
    );
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await eventually(
      async () =>
        expect(await text('li[data-command="Resume"]')).toMatch(
          /^Resume: accepted by the dock \(code 0/,
        ),
      { timeoutMs: 15_000 },
    );
    await eventually(
      async () =>
        expect(await page.locator('#flight-summary').getAttribute('data-state')).toBe(
          'in_progress',
        ),
      { timeoutMs: 15_000 },
    );
    expect(await text('#state-history')).toMatch(
      /in_progress -> paused[\s\S]*paused -> in_progress/,
    );

    await page.getByRole('button', { name: 'Return home', exact: true }).click();
    await eventually(
      async () =>
        expect(await text('li[data-command="Return home"]')).toMatch(
          /^Return home: accepted by the dock \(code 0/,
        ),
      { timeoutMs: 15_000 },
    );
    // The planned path home comes through the stream and is drawn on the map.
    await eventually(
      async () =>
        expect(
          Number(await page.locator('#rth-state').getAttribute('data-points')),
        ).toBeGreaterThanOrEqual(2),
      { timeoutMs: 15_000 },
    );
    expect(await page.locator('polyline.map-path').count()).toBe(1);
    // The exit-RTH notice of the way home arrives live too.
    await eventually(
      async () =>
        expect(await page.locator('#exit-homing li').first().textContent()).not.toBe('none'),
      { timeoutMs: 15_000 },
    );
    // The aircraft's health alert of this flight (raised and cleared mid-flight), from the
    // alerts service: live, or read again when the task's state changed.
    await eventually(
      async () =>
        expect(await text('#flight-alerts li[data-alert="0x16100083"]')).toMatch(
          /warning 0x16100083 \(aircraft, (active|cleared .+)\)$/,
        ),
      { timeoutMs: 30_000 },
    );
    await page.screenshot({
      path: path.join(BROWSER_OUTPUT_DIR, 'console-flight.png'),
      fullPage: true,
    });

    // The fleet still places the dock where its osd puts it.
    await page.getByRole('link', { name: 'Fleet', exact: true }).click();
    await eventually(
      async () => expect(await page.locator(`g[data-marker="${dock.sn}"]`).count()).toBe(1),
      { timeoutMs: 10_000 },
    );
    await page.screenshot({
      path: path.join(BROWSER_OUTPUT_DIR, 'console-fleet.png'),
      fullPage: true,
    });

    // The token travelled in headers only; the stream opened with a ticket.
    expect(requests.some((url) => url.includes(token))).toBe(false);
    expect(requests.some((url) => /\/stream\?ticket=/.test(url))).toBe(true);
    expect(requests.every((url) => url.startsWith(system.httpUrl) || url.startsWith('data:'))).toBe(
      true,
    );
  });

  it('creates a recurring plan for a dock', async () => {
    await page.goto(`${system.httpUrl}/#/plan`);
    await eventually(async () =>
      expect(await page.locator('#plan-wayline option').first().textContent()).toContain(
        `console ${run}`,
      ),
    );
    // Every control of the forms has a label a screen reader announces.
    const unlabelled = await page.locator('input, select, button').evaluateAll((elements) =>
      elements
        .map((element) => element as unknown as LabelledControl)
        .filter(
          (control) =>
            !control.labels?.length &&
            !control.getAttribute('aria-label') &&
            !(control.tagName === 'BUTTON' && control.textContent?.trim()),
        )
        .map((control) => control.id || control.tagName),
    );
    expect(await page.locator('input, select, button').count()).toBeGreaterThan(20);
    expect(unlabelled).toEqual([]);
    await page.getByLabel('Plan name').fill(`weekday patrol ${run}`);
    await page.locator('#plan-dock').fill(docks[1].sn);
    await page.getByLabel('Time zone').fill('UTC');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await eventually(async () =>
      expect(await text('#plan-result')).toBe(
        `Plan "weekday patrol ${run}" created (active, 0 9 * * 1-5).`,
      ),
    );
    await page.goto(`${system.httpUrl}/#/fleet`);
  });

  it('says the connection is lost when the server stops, and reconnects when it is back', async () => {
    // The same ports, so the page and the docks find it again.
    const port = new URL(system.httpUrl).port;
    const mqttPort = new URL(system.mqttUrl).port;
    const dataDir = system.dataDir;
    await system.stop();
    await eventually(
      async () => {
        expect(await page.locator('#banner').isVisible()).toBe(true);
        expect(await text('#banner')).toContain('Connection to the server lost');
      },
      { timeoutMs: 15_000 },
    );
    system = await startEmbeddedSystem({
      fromSource: true,
      dataDir,
      // Back with map tiles configured (used by the next case).
      env: { ...env, HTTP_PORT: port, MQTT_PORT: mqttPort, CONSOLE_TILE_URL: tileUrl },
      snPrefix: system.snPrefix,
    });
    await page
      .getByRole('button', { name: 'Reconnect now' })
      .click()
      .catch(() => undefined);
    await eventually(
      async () => {
        expect(await text('#live-state')).toBe('live');
        expect(await page.locator('#banner').isVisible()).toBe(false);
      },
      { timeoutMs: 30_000 },
    );
    await eventually(async () =>
      expect(await page.locator(`tr[data-dock="${docks[1].sn}"]`).count()).toBe(1),
    );
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('with CONSOLE_TILE_URL set, draws the tiles under the docks, allowed by its CSP', async () => {
    await page.reload();
    await eventually(async () => expect(await text('#tiles-state')).toContain('Map tiles on'));
    await eventually(
      async () => expect(await page.locator(`g[data-marker="${docks[0].sn}"]`).count()).toBe(1),
      { timeoutMs: 10_000 },
    );
    const href = await page.locator('.map-tiles image').first().getAttribute('href');
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/19\/\d+\/\d+\.png$/);
    await eventually(() => expect(tileRequests.length).toBeGreaterThan(0));
    expect(tileRequests.every((url) => /^\/19\/\d+\/\d+\.png$/.test(url))).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('shows the sign-in screen with the reason when the stored token is no longer accepted', async () => {
    await page.evaluate(() => sessionStorage.setItem('dock-console.token', 'revoked-token'));
    await page.reload();
    await eventually(async () =>
      expect(await text('#sign-in-message')).toContain(
        'The API did not accept the token (401 Unauthorized)',
      ),
    );
    expect(await page.locator('#sign-out').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('dock-console.token'))).toBeNull();
  });
});
