import { randomUUID } from 'node:crypto';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { DockSimulator } from '../gateway/support/dock-simulator';
import {
  createTestTopics,
  deleteTestTopics,
  ReplicaGroup,
  replicaGroup,
  startReplica,
  StartedReplica,
} from '../gateway/support/gateway-harness';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import { RunningRegistry, startRegistry, TEST_TOKEN } from './registry-harness';

const auth = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' };

/**
 * The whole path with a real gateway: a dock speaks raw MQTT to Mosquitto, the gateway (with
 * Redis for pending requests) writes Kafka, the registry answers, the gateway publishes
 * requests_reply back to the dock.
 */
describe('registry behind the real gateway', () => {
  let group: ReplicaGroup;
  let gateway: StartedReplica;
  let registry: RunningRegistry;
  const dock = new DockSimulator();
  const run = uniqueName('g').replace(/-/g, '').toUpperCase().slice(-8);
  const DOCK = `GWDOCK${run}`;
  const DRONE = `GWDRONE${run}`;

  beforeAll(async () => {
    group = replicaGroup('it-registry-gw');
    await createTestTopics(group.topics);
    gateway = await startReplica(group, 'r1');
    registry = await startRegistry({ REGISTRY_DOCK_OFFLINE_AFTER_MS: '60000' }, undefined, {
      requests: group.topics.uplink.requests,
      requestReplies: group.topics.requestReplies,
      status: group.topics.uplink.status,
      osd: group.topics.uplink.osd,
      state: group.topics.uplink.state,
      deviceEvents: uniqueName('reg-gw-device-events'),
    });
    await dock.connect();
    await dock.watch(DOCK);
  }, 90_000);

  afterAll(async () => {
    await dock.close();
    await registry?.stop();
    await gateway?.runtime.stop();
    await deleteTestTopics(group.topics);
  }, 60_000);

  async function http(method: string, path: string, body?: unknown) {
    const response = await fetch(`${registry.baseUrl}${path}`, {
      method,
      headers: auth,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function ask(method: string, data: unknown) {
    const tid = randomUUID();
    await dock.publish(
      `thing/product/${DOCK}/requests`,
      JSON.stringify({
        tid,
        bid: `bid-${tid}`,
        timestamp: Date.now(),
        gateway: DOCK,
        method,
        data,
      }),
    );
    const reply = await eventually(
      () => {
        const found = dock.downlink('/requests_reply').find((m) => m.json.tid === tid);
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 20_000 },
    );
    expect(reply.topic).toBe(`thing/product/${DOCK}/requests_reply`);
    expect(reply.json).toMatchObject({ tid, bid: `bid-${tid}`, method });
    return reply.json.data as { result: number; output: Record<string, unknown> };
  }

  it('registers the dock from MQTT update_topo and binds it through requests/requests_reply', async () => {
    await dock.publish(
      `sys/product/${DOCK}/status`,
      JSON.stringify({
        tid: randomUUID(),
        bid: randomUUID(),
        timestamp: Date.now(),
        method: 'update_topo',
        data: {
          domain: '3',
          type: 3,
          sub_type: 0,
          device_secret: 's',
          nonce: 'n',
          thing_version: '1.1.2',
          sub_devices: [{ sn: DRONE, domain: '0', type: 100, sub_type: 1, index: 'A' }],
        },
      }),
    );
    await eventually(() => expect(dock.downlink('/status_reply')).toHaveLength(1), {
      timeoutMs: 20_000,
    });
    await eventually(
      async () =>
        expect((await http('GET', `/devices/${DRONE}`)).body).toMatchObject({
          online: true,
          gatewaySn: DOCK,
          model: 'Matrice 4TD',
        }),
      { timeoutMs: 20_000 },
    );

    const issued = await http(
      'POST',
      `/organizations/${DEFAULT_ORGANIZATION_ID}/binding-codes`,
      {},
    );
    const code = issued.body.code as string;
    expect(
      await ask('airport_organization_get', {
        device_binding_code: code,
        organization_id: DEFAULT_ORGANIZATION_ID,
      }),
    ).toEqual({ result: 0, output: { organization_name: 'Default organization' } });
    expect(
      await ask('airport_organization_bind', {
        bind_devices: [
          {
            device_binding_code: code,
            organization_id: DEFAULT_ORGANIZATION_ID,
            device_callsign: 'Dock-GW',
            sn: DOCK,
            device_model_key: '3-3-0',
          },
        ],
      }),
    ).toEqual({ result: 0, output: { err_infos: [{ sn: DOCK, err_code: 0 }] } });
    const status = await ask('airport_bind_status', { devices: [{ sn: DOCK }] });
    expect(status.output.bind_status).toEqual([
      {
        sn: DOCK,
        is_device_bind_organization: true,
        organization_id: DEFAULT_ORGANIZATION_ID,
        organization_name: 'Default organization',
        device_callsign: 'Dock-GW',
      },
    ]);
    // Unbound by an operator: the dock hears it the next time it asks.
    expect((await http('DELETE', `/devices/${DOCK}/binding`)).status).toBe(200);
    const after = await ask('airport_bind_status', { devices: [{ sn: DOCK }] });
    expect(after.output.bind_status).toEqual([
      expect.objectContaining({ sn: DOCK, is_device_bind_organization: false }),
    ]);
  }, 90_000);
});
