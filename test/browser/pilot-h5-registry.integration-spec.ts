import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import { BROWSER_OUTPUT_DIR, launchChromium } from '../support/browser';
import { eventually } from '../support/eventually';
import {
  RunningRegistry,
  startRegistry,
  TEST_ORGANIZATION_TOKEN,
} from '../integration/registry/registry-harness';

interface RecordedCall {
  method: string;
  args: unknown[];
}

/**
 * A window.djiBridge that answers every call with code 0 and reports the broker connected
 * (the full stub, with failure modes, is in pilot-h5.integration-spec.ts).
 */
function installConnectingBridge(): void {
  const w = globalThis as unknown as Record<string, unknown> & { __bridgeCalls: RecordedCall[] };
  w.__bridgeCalls = [];
  const ok =
    (method: string) =>
    (...args: unknown[]) => {
      w.__bridgeCalls.push({ method, args });
      if (method === 'platformLoadComponent' && args[0] === 'thing') {
        const { connectCallback } = JSON.parse(String(args[1])) as { connectCallback: string };
        setTimeout(() => (w[connectCallback] as (connected: boolean) => void)(true), 50);
      }
      return JSON.stringify({ code: 0, message: 'success', data: true });
    };
  w.djiBridge = Object.fromEntries(
    [
      'platformVerifyLicense',
      'platformLoadComponent',
      'platformSetWorkspaceId',
      'platformSetInformation',
    ].map((method) => [method, ok(method)]),
  );
}

async function signIn(page: Page): Promise<void> {
  // The operator signs in with its organization's token (the page acts in that organization).
  await page.getByLabel('API token', { exact: true }).fill(TEST_ORGANIZATION_TOKEN);
  await page.getByRole('button', { name: 'Sign in and connect' }).click();
}

/**
 * The access page served by the registry's real module (real PostgreSQL and Kafka), in headless
 * Chromium: the remote controller gets the registry's licence and broker and the request's
 * organization from the store; without settings the page names what to set.
 */
describe('Pilot 2 access page served by the registry', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe('configured', () => {
    let registry: RunningRegistry;
    const licence = {
      DJI_APP_ID: '151234',
      DJI_APP_KEY: randomBytes(16).toString('hex'),
      DJI_APP_LICENSE: randomBytes(48).toString('base64'),
    };

    beforeAll(async () => {
      registry = await startRegistry({
        ...licence,
        PILOT_MQTT_URL: 'tcp://192.0.2.20:1883',
        PUBLIC_API_URL: 'http://192.0.2.20:3005',
      });
    }, 60_000);

    afterAll(async () => {
      await registry?.stop();
    }, 60_000);

    it("connects the controller with the registry's licence, broker and organization", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(installConnectingBridge);
      await page.goto(`${registry.baseUrl}/pilot`);
      await signIn(page);

      await eventually(
        async () =>
          expect(await page.locator('#status').textContent()).toBe(
            `Done: Pilot 2 is connected to Dock fleet cloud for organization ${DEFAULT_ORGANIZATION_NAME}.`,
          ),
        { timeoutMs: 10_000 },
      );
      const made = await page.evaluate(
        () => (globalThis as unknown as { __bridgeCalls: RecordedCall[] }).__bridgeCalls,
      );
      expect(made.map((call) => [call.method, call.args[0]])).toEqual([
        ['platformVerifyLicense', licence.DJI_APP_ID],
        ['platformLoadComponent', 'thing'],
        ['platformLoadComponent', 'api'],
        ['platformSetWorkspaceId', DEFAULT_ORGANIZATION_ID],
        ['platformSetInformation', 'Dock fleet cloud'],
      ]);
      expect(made[0].args).toEqual([
        licence.DJI_APP_ID,
        licence.DJI_APP_KEY,
        licence.DJI_APP_LICENSE,
      ]);
      expect(JSON.parse(made[1].args[1] as string)).toMatchObject({
        host: 'tcp://192.0.2.20:1883',
        username: '',
        password: '',
      });
      expect(JSON.parse(made[2].args[1] as string)).toEqual({
        host: 'http://192.0.2.20:3005',
        token: TEST_ORGANIZATION_TOKEN,
      });
      await page.screenshot({
        path: path.join(BROWSER_OUTPUT_DIR, 'pilot-h5-registry-connected.png'),
      });
      await context.close();
    });
  });

  describe('without the Pilot settings', () => {
    let registry: RunningRegistry;

    beforeAll(async () => {
      registry = await startRegistry({});
    }, 60_000);

    afterAll(async () => {
      await registry?.stop();
    }, 60_000);

    it('says which settings are missing and calls nothing', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.addInitScript(installConnectingBridge);
      await page.goto(`${registry.baseUrl}/pilot`);
      await signIn(page);

      await eventually(async () =>
        expect(await page.locator('#status').textContent()).toContain(
          'set DJI_APP_ID, DJI_APP_KEY, DJI_APP_LICENSE, PILOT_MQTT_URL, PUBLIC_API_URL on the registry service',
        ),
      );
      expect(await page.locator('#status').textContent()).toContain('503');
      const made = await page.evaluate(
        () => (globalThis as unknown as { __bridgeCalls: RecordedCall[] }).__bridgeCalls,
      );
      expect(made).toEqual([]);
      await page.screenshot({
        path: path.join(BROWSER_OUTPUT_DIR, 'pilot-h5-registry-not-configured.png'),
      });
      await context.close();
    });
  });
});
