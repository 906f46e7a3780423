import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Module } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import {
  apiAuthProviders,
  buildOpenApiDocument,
  createLogger,
  PlatformModule,
  RunningService,
  startService,
  undocumentedRoutes,
} from '@dock/platform';
import { InProcessPilotBootstrap, PAGE_CSP, PilotBootstrap, PilotH5Module } from '@dock/pilot-h5';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { BROWSER_OUTPUT_DIR, launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';

/** One bridge call as the stub saw it. */
interface RecordedCall {
  method: string;
  args: unknown[];
}

interface StubConfig {
  /** Answers by method name (the raw string the bridge returns); default code 0. */
  answers: Record<string, string>;
  /** What Pilot reports to the thing connect callback after loading "thing" (default true). */
  thingConnects?: boolean;
}

/**
 * Runs in the page before its own script (playwright's init script): a window.djiBridge that
 * records every call and answers like Pilot 2, a JSON string; loading "thing" calls the
 * page's connect callback a moment later, as Pilot does once it reaches the broker.
 */
function installStubBridge(config: StubConfig): void {
  const w = globalThis as unknown as Record<string, unknown> & { __bridgeCalls: RecordedCall[] };
  w.__bridgeCalls = [];
  const answer = (method: string, args: unknown[]): string => {
    w.__bridgeCalls.push({ method, args });
    return config.answers[method] ?? JSON.stringify({ code: 0, message: 'success', data: true });
  };
  w.djiBridge = {
    platformVerifyLicense: (...args: unknown[]) => answer('platformVerifyLicense', args),
    platformIsVerified: (...args: unknown[]) => answer('platformIsVerified', args),
    platformLoadComponent: (...args: unknown[]) => {
      const result = answer('platformLoadComponent', args);
      if (args[0] === 'thing') {
        const callback = (JSON.parse(String(args[1])) as { connectCallback: string })
          .connectCallback;
        const connects = config.thingConnects ?? true;
        setTimeout(() => (w[callback] as (connected: boolean) => void)(connects), 50);
      }
      return result;
    },
    platformSetWorkspaceId: (...args: unknown[]) => answer('platformSetWorkspaceId', args),
    platformSetInformation: (...args: unknown[]) => answer('platformSetInformation', args),
  };
}

const secret = () => randomBytes(12).toString('hex');

/**
 * The access page in headless Chromium (Debian's package) against the module in a real Nest
 * app: what the page sends to a stub JSBridge, how it reports failures, and what it shows in
 * an ordinary browser. Screenshots go to test-output/browser/.
 */
describe('Pilot 2 H5 access page in a browser', () => {
  const apiToken = secret();
  const values: PilotBootstrap = {
    license: { appId: '151234', appKey: secret(), license: secret() },
    mqtt: { host: 'tcp://192.0.2.7:1883', username: 'pilot-rc', password: secret() },
    api: { host: 'https://cloud.example.com', token: apiToken },
    organization: { id: randomUUID(), name: 'Site North' },
  };
  const secrets = [values.license.appKey, values.license.license, values.mqtt.password, apiToken];
  const logLines: string[] = [];
  let service: RunningService;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    const logger = createLogger({
      service: 'pilot-h5-test',
      level: 'debug',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    });
    const auth = {
      tokens: [{ organizationId: DEFAULT_ORGANIZATION_ID, token: apiToken }],
      adminTokens: [],
      disabled: false,
    };
    const { api, ...rest } = values;
    @Module({
      imports: [
        PlatformModule.forRoot({ service: 'pilot-h5-test', logger, checks: [] }),
        PilotH5Module.register({
          // No api.token: the caller's own token is handed to Pilot.
          bootstrap: new InProcessPilotBootstrap({ ...rest, api: { host: api.host } }),
          auth,
          thingTimeoutMs: 5_000,
        }),
      ],
      // The global guard every service has, as in a real app.
      providers: [...apiAuthProviders(auth, logger)],
    })
    class PilotTestApp {}
    service = await startService({
      module: PilotTestApp,
      logger,
      httpPort: 0,
      httpHost: '127.0.0.1',
      shutdownTimeoutMs: 1_000,
    });
    baseUrl = `http://127.0.0.1:${service.port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.shutdown('test done');
  });

  /** A fresh context per case (no shared state), every request and console error recorded. */
  async function openPage(stub?: StubConfig) {
    const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    if (stub) await page.addInitScript(installStubBridge, stub);
    await page.goto(`${baseUrl}/pilot`);
    return { page, context, requests, consoleErrors };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.getByLabel('API token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in and connect' }).click();
  }

  const calls = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { __bridgeCalls: RecordedCall[] }).__bridgeCalls);

  it('verifies the licence, loads thing and api with this system values, sets the workspace', async () => {
    const { page, context, requests, consoleErrors } = await openPage({ answers: {} });
    await signIn(page, apiToken);

    await eventually(
      async () =>
        expect(await page.locator('#status').textContent()).toBe(
          'Done: Pilot 2 is connected to Dock fleet cloud for organization Site North.',
        ),
      { timeoutMs: 10_000 },
    );
    const made = await calls(page);
    expect(made.map((call) => call.method)).toEqual([
      'platformVerifyLicense',
      'platformLoadComponent',
      'platformLoadComponent',
      'platformSetWorkspaceId',
      'platformSetInformation',
    ]);
    expect(made[0].args).toEqual(['151234', values.license.appKey, values.license.license]);
    expect(made[1].args[0]).toBe('thing');
    expect(typeof made[1].args[1]).toBe('string');
    expect(JSON.parse(made[1].args[1] as string)).toEqual({
      host: 'tcp://192.0.2.7:1883',
      connectCallback: 'pilotH5ThingConnect',
      username: 'pilot-rc',
      password: values.mqtt.password,
    });
    expect(made[2].args[0]).toBe('api');
    expect(JSON.parse(made[2].args[1] as string)).toEqual({
      host: 'https://cloud.example.com',
      token: apiToken,
    });
    expect(made[3].args).toEqual([values.organization.id]);
    expect(made[4].args).toEqual(['Dock fleet cloud', 'Site North', 'Organization Site North']);

    const steps = await page.locator('#steps li').allTextContents();
    expect(steps).toEqual([
      'platformVerifyLicense: OK (code 0)',
      'platformLoadComponent("thing"): OK (code 0)',
      'MQTT connection (thing connect callback): connected',
      'platformLoadComponent("api"): OK (code 0)',
      'platformSetWorkspaceId: OK (code 0)',
      'platformSetInformation: OK (code 0)',
    ]);
    expect(await page.locator('#thing-state').textContent()).toMatch(
      /^MQTT connection reported by Pilot: connected \(at .+, argument true\)$/,
    );
    // The token is not left in the form, and nothing came from anywhere but this server.
    expect(await page.locator('#token').inputValue()).toBe('');
    expect(requests.every((url) => url.startsWith(`${baseUrl}/pilot`))).toBe(true);
    expect(consoleErrors).toEqual([]);
    await page.screenshot({ path: path.join(BROWSER_OUTPUT_DIR, 'pilot-h5-connected.png') });
    await context.close();
  });

  it('stops at a refused licence, naming the call, code and message', async () => {
    const { page, context } = await openPage({
      answers: {
        platformVerifyLicense: JSON.stringify({ code: 1001, message: 'license invalid' }),
      },
    });
    await signIn(page, apiToken);

    await eventually(async () =>
      expect(await page.locator('#status').textContent()).toBe(
        'Stopped: platformVerifyLicense failed with code 1001: license invalid. ' +
          'No further calls were made; reload the page to try again.',
      ),
    );
    expect(await page.locator('#steps li').allTextContents()).toEqual([
      'platformVerifyLicense: failed: code 1001: license invalid',
    ]);
    // The status is written after the sequence returned: no call can follow it.
    expect((await calls(page)).map((call) => call.method)).toEqual(['platformVerifyLicense']);
    await page.screenshot({ path: path.join(BROWSER_OUTPUT_DIR, 'pilot-h5-licence-refused.png') });
    await context.close();
  });

  it('does not load the API module while Pilot reports no broker connection', async () => {
    const { page, context } = await openPage({ answers: {}, thingConnects: false });
    await signIn(page, apiToken);

    await eventually(
      async () =>
        expect(await page.locator('#thing-state').textContent()).toMatch(
          /^MQTT connection reported by Pilot: not connected \(at .+, argument false\)$/,
        ),
      { timeoutMs: 3_000 },
    );
    // The module's thingTimeoutMs is 5 s in this app.
    await eventually(
      async () =>
        expect(await page.locator('#status').textContent()).toBe(
          'Stopped: MQTT connection (thing connect callback) failed with code no-connection: ' +
            'Pilot reported no broker connection within 5 s: check the MQTT host, username and ' +
            'password. No further calls were made; reload the page to try again.',
        ),
      { timeoutMs: 8_000 },
    );
    expect((await calls(page)).map((call) => call.args[0])).toEqual(['151234', 'thing']);
    await context.close();
  });

  it('in an ordinary browser, says the bridge is missing and shows the calls, secrets masked', async () => {
    const { page, context, consoleErrors } = await openPage();
    await signIn(page, apiToken);

    await eventually(async () =>
      expect(await page.locator('#status').textContent()).toContain(
        "Pilot 2 bridge not found: open this page from Pilot 2's cloud service access screen",
      ),
    );
    const planned = page.locator('#planned-calls');
    const masked = (await planned.textContent()) ?? '';
    expect(await page.locator('#planned-calls li').first().textContent()).toBe(
      "djiBridge.platformVerifyLicense('151234', '********', '********')",
    );
    expect(masked).toContain('tcp://192.0.2.7:1883');
    expect(masked).toContain(values.organization.id);
    for (const value of secrets) expect(masked).not.toContain(value);
    await page.screenshot({ path: path.join(BROWSER_OUTPUT_DIR, 'pilot-h5-no-bridge.png') });

    // Only an explicit choice shows them (keyboard: the checkbox takes the space bar).
    await page.getByLabel(/Show secrets/).focus();
    await page.keyboard.press('Space');
    const revealed = (await planned.textContent()) ?? '';
    for (const value of secrets) expect(revealed).toContain(value);
    await page.getByLabel(/Show secrets/).uncheck();
    for (const value of secrets) expect(await planned.textContent()).not.toContain(value);
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it('says plainly that a wrong token was refused, and calls nothing', async () => {
    const { page, context } = await openPage({ answers: {} });
    await signIn(page, 'not-the-token');

    await eventually(async () =>
      expect(await page.locator('#status').textContent()).toBe(
        'The API token was not accepted (401 Unauthorized): check the token and sign in again. ' +
          'The cloud said: the bearer token is not accepted',
      ),
    );
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
    expect(await calls(page)).toEqual([]);
    await context.close();
  });

  it('serves the page with a strict policy and the bootstrap only to a token, never cached', async () => {
    const page = await fetch(`${baseUrl}/pilot`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await fetch(`${baseUrl}/pilot/pilot-h5.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const scriptText = await script.text();
    for (const value of secrets) expect(scriptText).not.toContain(value);

    const anonymous = await fetch(`${baseUrl}/pilot/bootstrap`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const signedIn = await fetch(`${baseUrl}/pilot/bootstrap`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiToken}` },
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    expect(await signedIn.json()).toEqual({ platformName: 'Dock fleet cloud', ...values });

    // The secrets went to the page and the stub bridge, never into a log line.
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).toContain('pilot bootstrap sent to a signed-in caller');
    for (const value of secrets) expect(logLines.join('')).not.toContain(value);
  });

  it('documents every route it serves in OpenAPI', () => {
    const document = buildOpenApiDocument(service.app, {
      title: 'pilot-h5 test',
      description: 'test',
      version: '1',
    });
    expect(undocumentedRoutes(service.app, document)).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/pilot', '/pilot/pilot-h5.js', '/pilot/bootstrap']),
    );
    expect(document.paths['/pilot'].get?.security).toEqual([]);
  });
});

describe('Pilot 2 H5 access page in an app without the global auth guard', () => {
  const apiToken = secret();
  let service: RunningService;

  beforeAll(async () => {
    const logger = createLogger({ service: 'pilot-h5-test', level: 'silent' });
    @Module({
      imports: [
        PlatformModule.forRoot({ service: 'pilot-h5-test', logger, checks: [] }),
        PilotH5Module.register({
          bootstrap: new InProcessPilotBootstrap({
            license: { appId: '151234', appKey: secret(), license: secret() },
            mqtt: { host: 'ws://192.0.2.7:8083/mqtt', username: '', password: '' },
            api: { host: 'http://192.0.2.7:3000' },
            organization: { id: randomUUID(), name: 'Site South' },
          }),
          auth: {
            tokens: [{ organizationId: DEFAULT_ORGANIZATION_ID, token: apiToken }],
            adminTokens: [],
            disabled: false,
          },
          pathPrefix: '/rc/access/',
        }),
      ],
    })
    class BareApp {}
    service = await startService({
      module: BareApp,
      logger,
      httpPort: 0,
      httpHost: '127.0.0.1',
      shutdownTimeoutMs: 1_000,
    });
  });

  afterAll(async () => {
    await service?.shutdown('test done');
  });

  it('still keeps the bootstrap behind the token, under its own prefix', async () => {
    const base = `http://127.0.0.1:${service.port}/rc/access`;
    expect((await fetch(base)).status).toBe(200);
    expect((await fetch(`${base}/bootstrap`, { method: 'POST' })).status).toBe(401);
    const wrong = await fetch(`${base}/bootstrap`, {
      method: 'POST',
      headers: { Authorization: 'Bearer not-the-token' },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${base}/bootstrap`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiToken}` },
    });
    expect(right.status).toBe(200);
    expect(await right.json()).toMatchObject({
      mqtt: { host: 'ws://192.0.2.7:8083/mqtt', username: '', password: '' },
      api: { host: 'http://192.0.2.7:3000', token: apiToken },
      organization: { name: 'Site South' },
    });
  });
});
