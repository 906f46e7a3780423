import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { DEFAULT_GATEWAY_MQTT_USERNAME, GATEWAY_MQTT_CLIENT_ID_PREFIX } from '@dock/contracts';
import { gatewayClientId } from '../../../apps/gateway/src/adapters/mqtt/mqtt-options';
import { writeMosquittoFiles } from '../../../scripts/mqtt-mosquitto-acl';
import { eventually } from '../../support/eventually';
import { infraSettings } from '../../support/infra-settings';
import { OwnMosquitto, startOwnMosquitto } from '../../support/secured-mosquitto';
import { RunningRegistry, startRegistry, TEST_TOKEN } from './registry-harness';

/**
 * Issue 15 on real infrastructure: MQTT credentials issued by the registry (PostgreSQL), the
 * Mosquitto files generated from them enforced by a Mosquitto of the test's own, and the EMQX
 * HTTP authentication / authorization endpoints of the registry.
 */
const HOOK_SECRET = 'hook-secret-0123456789abcdef';
const GATEWAY_PASSWORD = 'gateway-password-0123456789';

let registry: RunningRegistry;
let broker: OwnMosquitto | undefined;
let filesDir: string;
const clients: MqttClient[] = [];
const orgs: Record<'a' | 'b', { id: string; username: string; password: string }> = {} as never;
const run = Date.now().toString(36).toUpperCase();
const DOCK_A = `SEC${run}A`;
const DOCK_B = `SEC${run}B`;

async function api(method: string, url: string, body?: unknown) {
  const response = await fetch(`${registry.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

async function hook(which: 'authenticate' | 'authorize', body: unknown, secret = HOOK_SECRET) {
  const response = await fetch(`${registry.baseUrl}/mqtt/${which}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mqtt-hook-secret': secret },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function bind(sn: string, organizationId: string): Promise<void> {
  const now = Date.now();
  await registry.db.query(
    `INSERT INTO "${registry.schema}".devices
       (sn, gateway_sn, role, organization_id, bound_at, created_at, updated_at)
     VALUES ($1, $1, 'gateway', $2, $3, $3, $3)`,
    [sn, organizationId, now],
  );
}

function connect(options: mqtt.IClientOptions & { clientId: string }): Promise<{
  client: MqttClient;
  received: { topic: string; payload: string; retain: boolean }[];
}> {
  if (!broker) throw new Error('no broker');
  const client = mqtt.connect(broker.url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...options,
  });
  clients.push(client);
  const received: { topic: string; payload: string; retain: boolean }[] = [];
  client.on('message', (topic, payload, packet) =>
    received.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve({ client, received }));
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

beforeAll(async () => {
  registry = await startRegistry({
    REGISTRY_MQTT_HOOK_SECRET: HOOK_SECRET,
    MQTT_SERVICE_ACCOUNT_PASSWORD: GATEWAY_PASSWORD,
    REGISTRY_MQTT_ACCESS_CACHE_MS: '60000',
  });
  for (const key of ['a', 'b'] as const) {
    const org = await api('POST', '/organizations', { name: `mqtt access ${key} ${run}` });
    const credential = await api(
      'POST',
      `/organizations/${org.body.id as string}/mqtt-credentials`,
    );
    expect(credential.status).toBe(201);
    orgs[key] = {
      id: org.body.id as string,
      username: credential.body.username as string,
      password: credential.body.password as string,
    };
  }
  await bind(DOCK_A, orgs.a.id);
  await bind(DOCK_B, orgs.b.id);
  filesDir = mkdtempSync(path.join(tmpdir(), 'mosquitto-files-'));
  const files = await writeMosquittoFiles(filesDir, {
    DATABASE_URL: infraSettings.databaseUrl,
    DATABASE_SCHEMA: registry.schema,
  });
  broker = await startOwnMosquitto(
    readFileSync(files.confFile, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#')),
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await broker?.stop();
  if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  await registry?.stop();
}, 30_000);

describe('MQTT credentials (REST)', () => {
  it('shows a password once, lists without it, rotates it, deletes the credential', async () => {
    const created = await api('POST', `/organizations/${orgs.a.id}/mqtt-credentials`);
    expect(created.body).toMatchObject({ organizationId: orgs.a.id, username: expect.any(String) });
    const listed = await api('GET', `/organizations/${orgs.a.id}/mqtt-credentials`);
    expect(listed.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: created.body.id })]),
    );
    expect(JSON.stringify(listed.body)).not.toContain(created.body.password as string);
    const stored = await registry.db.query(
      `SELECT password_hash FROM "${registry.schema}".mqtt_credentials WHERE id = $1`,
      [created.body.id],
    );
    expect(stored.rows[0].password_hash).toMatch(/^\$7\$\d+\$/);

    const rotated = await api(
      'POST',
      `/organizations/${orgs.a.id}/mqtt-credentials/${created.body.id as string}/rotate`,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.username).toBe(created.body.username);
    expect(rotated.body.password).not.toBe(created.body.password);
    const login = { clientid: 'rc-1', username: created.body.username };
    expect(
      (await hook('authenticate', { ...login, password: created.body.password })).body,
    ).toEqual({ result: 'deny', is_superuser: false });
    expect(
      (await hook('authenticate', { ...login, password: rotated.body.password })).body,
    ).toEqual({ result: 'allow', is_superuser: false });
    const other = await api(
      'POST',
      `/organizations/${orgs.b.id}/mqtt-credentials/${created.body.id as string}/rotate`,
    );
    expect(other.status).toBe(404);
    expect(
      (
        await api(
          'DELETE',
          `/organizations/${orgs.a.id}/mqtt-credentials/${created.body.id as string}`,
        )
      ).status,
    ).toBe(204);
    expect(
      (await hook('authenticate', { ...login, password: rotated.body.password })).body.result,
    ).toBe('deny');
    expect((await api('POST', '/organizations/not-a-uuid/mqtt-credentials')).status).toBe(400);
  });
});

describe('EMQX HTTP authentication and authorization endpoints', () => {
  it('answer 401 without the shared secret, 400 for a malformed request', async () => {
    const body = { clientid: 'x', username: orgs.a.username, password: orgs.a.password };
    expect((await hook('authenticate', body, 'wrong-secret-0123456789')).status).toBe(401);
    const response = await fetch(`${registry.baseUrl}/mqtt/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(response.status).toBe(401);
    expect((await hook('authorize', { clientid: 'x', topic: 't', action: 'fly' })).status).toBe(
      400,
    );
  });

  it('refuse anonymous clients, wrong passwords and takeovers of gateway client ids', async () => {
    const gatewayId = `${GATEWAY_MQTT_CLIENT_ID_PREFIX}host-0`;
    expect((await hook('authenticate', { clientid: 'x' })).body.result).toBe('deny');
    expect(
      (await hook('authenticate', { clientid: 'x', username: orgs.a.username, password: 'nope' }))
        .body.result,
    ).toBe('deny');
    expect(
      (
        await hook('authenticate', {
          clientid: gatewayId,
          username: orgs.a.username,
          password: orgs.a.password,
        })
      ).body.result,
    ).toBe('deny');
    expect(
      (
        await hook('authenticate', {
          clientid: DOCK_B,
          username: orgs.a.username,
          password: orgs.a.password,
        })
      ).body.result,
    ).toBe('deny');
    expect(
      (
        await hook('authenticate', {
          clientid: gatewayId,
          username: DEFAULT_GATEWAY_MQTT_USERNAME,
          password: GATEWAY_PASSWORD,
        })
      ).body.result,
    ).toBe('allow');
    const metrics = await (await fetch(`${registry.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /mqtt_access_refusals_total\{action="connect",reason="gateway_client_id"[^}]*\} [1-9]/,
    );
    expect(metrics).toMatch(
      /mqtt_access_refusals_total\{action="connect",reason="bad_credentials"[^}]*\} [1-9]/,
    );
  });

  it("authorize an organization's own docks only, downlink for the gateway only, nothing retained", async () => {
    const a = { clientid: DOCK_A, username: orgs.a.username };
    const decide = async (body: Record<string, unknown>) =>
      (await hook('authorize', body)).body.result;
    expect(await decide({ ...a, action: 'publish', topic: `thing/product/${DOCK_A}/events` })).toBe(
      'allow',
    );
    expect(
      await decide({
        ...a,
        clientid: 'rc',
        action: 'publish',
        topic: `thing/product/${DOCK_B}/events`,
      }),
    ).toBe('deny');
    expect(
      await decide({
        ...a,
        clientid: 'rc',
        action: 'subscribe',
        topic: `thing/product/${DOCK_B}/services`,
      }),
    ).toBe('deny');
    expect(
      await decide({ ...a, action: 'publish', topic: `thing/product/${DOCK_A}/services` }),
    ).toBe('deny');
    expect(
      await decide({
        ...a,
        action: 'publish',
        topic: `thing/product/${DOCK_A}/events`,
        retain: 'true',
      }),
    ).toBe('deny');
    const gateway = {
      clientid: `${GATEWAY_MQTT_CLIENT_ID_PREFIX}h-out`,
      username: DEFAULT_GATEWAY_MQTT_USERNAME,
    };
    expect(
      await decide({ ...gateway, action: 'publish', topic: `thing/product/${DOCK_B}/services` }),
    ).toBe('allow');
    expect(
      await decide({ ...gateway, action: 'subscribe', topic: '$share/gw/thing/product/+/events' }),
    ).toBe('allow');
    expect(
      await decide({ clientid: 'x', username: 'nobody', action: 'publish', topic: 'a/b' }),
    ).toBe('deny');
  });
});

describe('Mosquitto with the generated password and ACL files', () => {
  const gatewayLogin = { username: DEFAULT_GATEWAY_MQTT_USERNAME, password: GATEWAY_PASSWORD };

  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connect({ clientId: 'anon' })).rejects.toThrow(
      /Not authorized|Connection refused/i,
    );
    await expect(
      connect({ clientId: 'wrong', username: orgs.a.username, password: 'wrong' }),
    ).rejects.toThrow(/Not authorized|Bad username or password|Connection refused/i);
  });

  it("keeps organization A from speaking for B's dock, reading its commands or commanding any dock", async () => {
    const gateway = await connect({
      clientId: gatewayClientId({ password: GATEWAY_PASSWORD }, 'it', '0'),
      ...gatewayLogin,
    });
    await gateway.client.subscribeAsync(['thing/product/+/events'], { qos: 1 });
    const dockB = await connect({
      clientId: DOCK_B,
      username: orgs.b.username,
      password: orgs.b.password,
    });
    await dockB.client.subscribeAsync([`thing/product/${DOCK_B}/services`], { qos: 1 });
    const dockA = await connect({
      clientId: DOCK_A,
      username: orgs.a.username,
      password: orgs.a.password,
    });
    await dockA.client.subscribeAsync([`thing/product/${DOCK_A}/services`], { qos: 1 });
    const spy = await connect({
      clientId: 'spy-rc',
      username: orgs.a.username,
      password: orgs.a.password,
    });
    // Mosquitto grants it (MQTT 3.1.1) but delivers nothing the ACL does not let it read.
    await spy.client.subscribeAsync([`thing/product/${DOCK_B}/services`], { qos: 1 });

    // A's client publishes as B's dock and a command to its own dock; then the real ones speak.
    await spy.client.publishAsync(`thing/product/${DOCK_B}/events`, 'forged', { qos: 1 });
    await dockA.client.publishAsync(`thing/product/${DOCK_A}/services`, 'forged-command', {
      qos: 1,
    });
    await dockB.client.publishAsync(`thing/product/${DOCK_B}/events`, 'genuine', { qos: 1 });
    await gateway.client.publishAsync(`thing/product/${DOCK_B}/services`, 'command-b', { qos: 1 });
    await gateway.client.publishAsync(`thing/product/${DOCK_A}/services`, 'command-a', { qos: 1 });
    await eventually(() => {
      expect(gateway.received.map((m) => m.payload)).toContain('genuine');
      expect(dockB.received.map((m) => m.payload)).toContain('command-b');
      expect(dockA.received.map((m) => m.payload)).toContain('command-a');
    });
    expect(gateway.received.map((m) => m.payload)).not.toContain('forged');
    expect(dockA.received.map((m) => m.payload)).not.toContain('forged-command');
    expect(spy.received).toEqual([]);
  });

  it('keeps retained messages off dock topics', async () => {
    const gateway = await connect({
      clientId: gatewayClientId({ password: GATEWAY_PASSWORD }, 'it', 'out'),
      ...gatewayLogin,
    });
    // Mosquitto (retain_available false) closes a connection that sends a retained message.
    const closed = new Promise<void>((resolve) => gateway.client.once('close', () => resolve()));
    await Promise.race([
      gateway.client
        .publishAsync(`thing/product/${DOCK_A}/services`, 'retained-return-home', {
          qos: 1,
          retain: true,
        })
        .catch(() => undefined),
      closed,
    ]);
    const later = await connect({
      clientId: DOCK_A,
      username: orgs.a.username,
      password: orgs.a.password,
    });
    await later.client.subscribeAsync([`thing/product/${DOCK_A}/services`], { qos: 1 });
    const again = await connect({
      clientId: gatewayClientId({ password: GATEWAY_PASSWORD }, 'it', 'out2'),
      ...gatewayLogin,
    });
    await again.client.publishAsync(`thing/product/${DOCK_A}/services`, 'live', { qos: 1 });
    await eventually(() => expect(later.received.map((m) => m.payload)).toContain('live'));
    expect(later.received.map((m) => m.payload)).not.toContain('retained-return-home');
  });

  it("cannot take the gateway's session: its client id has a suffix only the password derives", async () => {
    const id = gatewayClientId({ password: GATEWAY_PASSWORD }, 'takeover', '0');
    expect(id.startsWith(`${GATEWAY_MQTT_CLIENT_ID_PREFIX}takeover-0.`)).toBe(true);
    const gateway = await connect({ clientId: id, ...gatewayLogin });
    await gateway.client.subscribeAsync(['thing/product/+/events'], { qos: 1 });
    let kicked = false;
    gateway.client.on('close', () => (kicked = true));
    // The predictable id (host name and index, as before) is another session.
    const intruder = await connect({
      clientId: `${GATEWAY_MQTT_CLIENT_ID_PREFIX}takeover-0`,
      username: orgs.a.username,
      password: orgs.a.password,
    });
    const dockA = await connect({
      clientId: DOCK_A,
      username: orgs.a.username,
      password: orgs.a.password,
    });
    await dockA.client.publishAsync(`thing/product/${DOCK_A}/events`, 'after-intruder', { qos: 1 });
    await eventually(() =>
      expect(gateway.received.map((m) => m.payload)).toContain('after-intruder'),
    );
    expect(kicked).toBe(false);
    expect(intruder.received).toEqual([]);
  });
});
