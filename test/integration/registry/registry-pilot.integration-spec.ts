import { randomBytes } from 'node:crypto';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import { PAGE_CSP } from '@dock/pilot-h5';
import {
  RunningRegistry,
  startRegistry,
  TEST_ORGANIZATION_TOKEN,
  TEST_TOKEN,
} from './registry-harness';

// Bodies are checked with toEqual; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * The Pilot 2 access page as the registry serves it (its real module, real PostgreSQL and
 * Kafka): the bootstrap a signed-in remote controller gets is the registry's settings, the
 * caller's token and the request's organization with its name from the store.
 */
describe('registry: Pilot 2 access page', () => {
  let registry: RunningRegistry;
  // Generated per run: no licence or password is a constant of the test.
  const licence = {
    DJI_APP_ID: String(100_000 + (randomBytes(3).readUIntBE(0, 3) % 900_000)),
    DJI_APP_KEY: randomBytes(16).toString('hex'),
    DJI_APP_LICENSE: randomBytes(48).toString('base64'),
  };
  const mqttPassword = randomBytes(12).toString('hex');

  beforeAll(async () => {
    registry = await startRegistry({
      ...licence,
      PILOT_MQTT_URL: 'tcp://192.0.2.10:1883',
      PILOT_MQTT_USERNAME: 'pilot-rc',
      PILOT_MQTT_PASSWORD: mqttPassword,
      PUBLIC_API_URL: 'http://192.0.2.10:3005/',
    });
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
  }, 60_000);

  function bootstrap(headers: Record<string, string>) {
    return fetch(`${registry.baseUrl}/pilot/bootstrap`, { method: 'POST', headers });
  }

  it('serves the page publicly, with its strict headers', async () => {
    const response = await fetch(`${registry.baseUrl}/pilot`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(await response.text()).toContain('pilot-h5.js');
  });

  it('refuses the bootstrap without an accepted token', async () => {
    expect((await bootstrap({})).status).toBe(401);
    expect((await bootstrap({ Authorization: 'Bearer not-a-token' })).status).toBe(401);
  });

  it("answers for the request's organization, its name from the store", async () => {
    const created = await fetch(`${registry.baseUrl}/organizations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Site Pilot' }),
    });
    expect(created.status).toBe(201);
    const organization = (await created.json()) as Json;

    const response = await bootstrap({
      Authorization: `Bearer ${TEST_TOKEN}`,
      'X-Organization-Id': organization.id,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      platformName: 'Dock fleet cloud',
      license: {
        appId: licence.DJI_APP_ID,
        appKey: licence.DJI_APP_KEY,
        license: licence.DJI_APP_LICENSE,
      },
      mqtt: { host: 'tcp://192.0.2.10:1883', username: 'pilot-rc', password: mqttPassword },
      api: { host: 'http://192.0.2.10:3005', token: TEST_TOKEN },
      organization: { id: organization.id, name: 'Site Pilot' },
    });
  });

  it('answers for the default organization when the request names none', async () => {
    // The default organization's token: its organization (an admin token must name one).
    const response = await bootstrap({ Authorization: `Bearer ${TEST_ORGANIZATION_TOKEN}` });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Json).organization).toEqual({
      id: DEFAULT_ORGANIZATION_ID,
      name: DEFAULT_ORGANIZATION_NAME,
    });
  });

  it('refuses an organization that does not exist (403), and a malformed one (400)', async () => {
    const unknown = await bootstrap({
      Authorization: `Bearer ${TEST_TOKEN}`,
      'X-Organization-Id': '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    });
    expect(unknown.status).toBe(403);
    expect(((await unknown.json()) as Json).code).toBe('organization_not_found');
    const malformed = await bootstrap({
      Authorization: `Bearer ${TEST_TOKEN}`,
      'X-Organization-Id': 'not an id',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as Json).message).toMatch(/X-Organization-Id/);
  });
});
