import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import {
  RunningRegistry,
  startRegistry,
  TEST_ORGANIZATION_TOKEN,
  TEST_TOKEN,
} from './registry-harness';

/**
 * An organization's token manages its own MQTT credentials and nobody else's: naming another
 * organization (or another organization's credential) answers 404 on every route, exactly as
 * an id nobody has, so a token learns nothing of what exists outside its organization. The
 * admin token keeps full access.
 */
let registry: RunningRegistry;
let other: string;
let othersCredential: { id: string; username: string };
let ownCredential: { id: string };
const run = Date.now().toString(36);

async function api(token: string, method: string, url: string) {
  const response = await fetch(`${registry.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const asOrganization = (method: string, url: string) => api(TEST_ORGANIZATION_TOKEN, method, url);
const asAdmin = (method: string, url: string) => api(TEST_TOKEN, method, url);

beforeAll(async () => {
  registry = await startRegistry();
  const created = await fetch(`${registry.baseUrl}/organizations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `other ${run}` }),
  });
  other = ((await created.json()) as { id: string }).id;
  const issued = await asAdmin('POST', `/organizations/${other}/mqtt-credentials`);
  expect(issued.status).toBe(201);
  othersCredential = issued.body as { id: string; username: string };
  const own = await asOrganization(
    'POST',
    `/organizations/${DEFAULT_ORGANIZATION_ID}/mqtt-credentials`,
  );
  expect(own.status).toBe(201);
  ownCredential = own.body as { id: string };
}, 60_000);

afterAll(async () => {
  await registry?.stop();
});

describe("an organization's token and another organization's MQTT credentials", () => {
  it.each([
    ['lists', 'GET', () => `/organizations/${other}/mqtt-credentials`],
    ['issues', 'POST', () => `/organizations/${other}/mqtt-credentials`],
    [
      'rotates',
      'POST',
      () => `/organizations/${other}/mqtt-credentials/${othersCredential.id}/rotate`,
    ],
    ['deletes', 'DELETE', () => `/organizations/${other}/mqtt-credentials/${othersCredential.id}`],
    [
      'rotates (naming its own organization)',
      'POST',
      () =>
        `/organizations/${DEFAULT_ORGANIZATION_ID}/mqtt-credentials/${othersCredential.id}/rotate`,
    ],
    [
      'deletes (naming its own organization)',
      'DELETE',
      () => `/organizations/${DEFAULT_ORGANIZATION_ID}/mqtt-credentials/${othersCredential.id}`,
    ],
  ])('%s: 404, and nothing changes', async (_what, method, url) => {
    const answer = await asOrganization(method, url());
    expect(answer.status).toBe(404);
    expect(JSON.stringify(answer.body)).not.toContain('password');
    const listed = await asAdmin('GET', `/organizations/${other}/mqtt-credentials`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({ id: othersCredential.id, rotatedAt: expect.any(String) }),
    ]);
  });

  it('answers a missing organization and a foreign one alike (404 organization_not_found)', async () => {
    const foreign = await asOrganization('GET', `/organizations/${other}/mqtt-credentials`);
    const missing = await asOrganization(
      'GET',
      '/organizations/00000000-0000-4000-8000-00000000dead/mqtt-credentials',
    );
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.body.code).toBe(missing.body.code);
  });

  it("still manages its own organization's credentials", async () => {
    const listed = await asOrganization(
      'GET',
      `/organizations/${DEFAULT_ORGANIZATION_ID}/mqtt-credentials`,
    );
    expect(listed.status).toBe(200);
    expect((listed.body as unknown as { id: string }[]).map((c) => c.id)).toContain(
      ownCredential.id,
    );
    const rotated = await asOrganization(
      'POST',
      `/organizations/${DEFAULT_ORGANIZATION_ID}/mqtt-credentials/${ownCredential.id}/rotate`,
    );
    expect(rotated.status).toBe(200);
    expect(typeof rotated.body.password).toBe('string');
  });

  it('the admin token manages any organization', async () => {
    const rotated = await asAdmin(
      'POST',
      `/organizations/${other}/mqtt-credentials/${othersCredential.id}/rotate`,
    );
    expect(rotated.status).toBe(200);
    const deleted = await asAdmin(
      'DELETE',
      `/organizations/${other}/mqtt-credentials/${othersCredential.id}`,
    );
    expect(deleted.status).toBe(204);
    const listed = await asAdmin('GET', `/organizations/${other}/mqtt-credentials`);
    expect(listed.body).toEqual([]);
  });
});
