// Issue 15 in the embedded mode: the embedded broker (aedes) enforces the registry's MQTT rules
// with the credentials `npm start` wrote to DATA_DIR/credentials.json. A client of the default
// organization cannot speak for, nor listen to, a dock of another organization; forged and
// retained messages never reach the bus; nobody takes the gateway's client ids.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import mqtt, { MqttClient } from 'mqtt';
import { GATEWAY_MQTT_CLIENT_ID_PREFIX } from '@dock/contracts';
import { createSimulatedDock, SimulatedDock } from '../../../apps/dock-simulator/src';
import { EmbeddedSystem, startEmbeddedSystem } from '../../../apps/standalone/test/embedded-system';
import { eventually } from '../../support/eventually';

jest.setTimeout(180_000);

let system: EmbeddedSystem | undefined;
const clients: MqttClient[] = [];
const docks: SimulatedDock[] = [];

beforeAll(async () => {
  system = await startEmbeddedSystem({ fromSource: true, env: { LOG_LEVEL: 'warn' } });
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true).catch(() => undefined)));
  await Promise.all(docks.map((dock) => dock.stop()));
  if (system === undefined) return;
  await system.stop();
  await rm(system.dataDir, { recursive: true, force: true });
}, 60_000);

/**
 * The embedded mode's admin token (DATA_DIR/api-tokens.json): organization management is
 * admin-only, and an admin acts in the organization X-Organization-Id names.
 */
async function adminToken(): Promise<string> {
  const file = path.join(system!.dataDir, 'api-tokens.json');
  return (JSON.parse(await readFile(file, 'utf8')) as { admin: string }).admin;
}

async function api(
  method: string,
  url: string,
  body?: unknown,
  organization?: string,
): Promise<Record<string, unknown>> {
  const embedded = system!;
  const response = await fetch(`${embedded.httpUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${await adminToken()}`,
      ...(organization === undefined ? {} : { 'x-organization-id': organization }),
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, ...(text ? (JSON.parse(text) as object) : {}) };
}

function connect(options: mqtt.IClientOptions & { clientId: string }): Promise<MqttClient> {
  const client = mqtt.connect(system!.mqttUrl, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...options,
  });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

const topo = (subSn: string) =>
  JSON.stringify({
    tid: `tid-${subSn}`,
    bid: `bid-${subSn}`,
    timestamp: Date.now(),
    method: 'update_topo',
    data: {
      domain: '3',
      type: 119,
      sub_type: 0,
      device_secret: 'secret',
      nonce: 'nonce',
      thing_version: '1.1.2',
      sub_devices: [
        {
          sn: subSn,
          domain: '0',
          type: 100,
          sub_type: 0,
          index: 'A',
          device_secret: 'secret',
          nonce: 'nonce',
          thing_version: '1.1.2',
        },
      ],
    },
  });

describe('the embedded broker with credentials in place', () => {
  it('refuses anonymous clients, wrong passwords and the gateway client ids', async () => {
    const embedded = system!;
    expect(embedded.credentials.mqtt.url).toBe(embedded.mqttUrl);
    await expect(connect({ clientId: 'anonymous' })).rejects.toThrow(/Bad username or password/i);
    await expect(
      connect({ clientId: 'wrong', username: embedded.mqttLogin.username, password: 'wrong' }),
    ).rejects.toThrow(/Bad username or password/i);
    await expect(
      connect({ clientId: `${GATEWAY_MQTT_CLIENT_ID_PREFIX}${'x'}-0`, ...embedded.mqttLogin }),
    ).rejects.toThrow(/Not authorized/i);
    // The gateway kept its connections: the system is ready.
    expect((await fetch(`${embedded.httpUrl}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${embedded.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(
      /mqtt_access_refusals_total\{action="connect",reason="gateway_client_id"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /mqtt_access_refusals_total\{action="connect",reason="bad_credentials"[^}]*\} [2-9]/,
    );
    expect(embedded.output()).not.toContain(`"password"`);
  });

  it("keeps the default organization's client from speaking for or listening to another organization's dock", async () => {
    const embedded = system!;
    // Organization B, its credential and code, and its dock, bound.
    const orgB = await api('POST', '/organizations', { name: 'Other team' });
    const loginB = await api('POST', `/organizations/${orgB.id as string}/mqtt-credentials`);
    const codeB = await api('POST', `/organizations/${orgB.id as string}/binding-codes`);
    const dockB = createSimulatedDock({
      sn: `${embedded.snPrefix}B`,
      mqtt: {
        url: embedded.mqttUrl,
        protocolVersion: 4,
        reconnectPeriodMs: 500,
        username: loginB.username as string,
        password: loginB.password as string,
      },
      behaviour: {
        osdIntervalMs: 1_000,
        organization: { id: orgB.id as string, bindingCode: codeB.code as string },
      },
    });
    docks.push(dockB);
    await dockB.start();
    await eventually(() => expect(dockB.snapshot().onboarding.state).toBe('bound'), {
      timeoutMs: 30_000,
    });
    await eventually(async () =>
      expect(await api('GET', `/devices/${dockB.sn}`, undefined, orgB.id as string)).toMatchObject({
        organizationId: orgB.id,
      }),
    );

    // A client of the default organization (credentials.json).
    const spy = await connect({ clientId: `${embedded.snPrefix}-spy`, ...embedded.mqttLogin });
    const received: string[] = [];
    spy.on('message', (topic) => received.push(topic));
    // Refused: SUBACK 0x80, which MQTT.js reports as a subscribe error.
    await expect(
      spy.subscribeAsync([`thing/product/${dockB.sn}/services`], { qos: 1 }),
    ).rejects.toThrow(/Subscribe error/);
    const forgedSub = `${embedded.snPrefix}EVIL`;
    const retainedSub = `${embedded.snPrefix}EVIL2`;
    // As dock B: its topology (a forged sub-device), events, and a command to it.
    await spy.publishAsync(`sys/product/${dockB.sn}/status`, topo(forgedSub), { qos: 1 });
    await spy.publishAsync(`thing/product/${dockB.sn}/events`, '{"method":"x"}', { qos: 1 });
    await spy.publishAsync(`thing/product/${dockB.sn}/services`, '{"method":"return_home"}', {
      qos: 1,
    });
    // A retained topology of a dock bound to nobody (otherwise allowed): refused too.
    const marker = `${embedded.snPrefix}MARK`;
    await spy.publishAsync(`sys/product/${marker}/status`, topo(retainedSub), {
      qos: 1,
      retain: true,
    });
    // Then what it may send: an unbound dock's topology. Once that is in, the others would be.
    const markerSub = `${embedded.snPrefix}MSUB`;
    await spy.publishAsync(`sys/product/${marker}/status`, topo(markerSub), { qos: 1 });
    await eventually(
      async () => expect(await api('GET', `/devices/${markerSub}`)).toMatchObject({ status: 200 }),
      { timeoutMs: 15_000 },
    );
    expect(await api('GET', `/devices/${forgedSub}`)).toMatchObject({ status: 404 });
    expect(await api('GET', `/devices/${retainedSub}`)).toMatchObject({ status: 404 });
    expect(received).toEqual([]);
    expect(spy.connected).toBe(true);
    // Dock B is untouched and still flies for its organization.
    expect(dockB.snapshot().onboarding.state).toBe('bound');
    const metrics = await (await fetch(`${embedded.httpUrl}/metrics`)).text();
    for (const pattern of [
      /action="publish",reason="other_organization"/,
      /action="publish",reason="downlink_by_device"/,
      /action="publish",reason="retained"/,
      /action="subscribe",reason="other_organization"/,
    ]) {
      expect(metrics).toMatch(pattern);
    }
  });
});
