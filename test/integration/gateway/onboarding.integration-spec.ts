// A dock joining through a real gateway replica: config answered by the gateway at once,
// unknown requests refused at once, binding requests forwarded to dock.uplink.requests and
// answered through dock.request-replies (this test plays the registry), broken answers turned
// into error results, and the dock simulator onboarding end to end. Real Mosquitto, Kafka and
// Redis; topics of this run only.
import { randomDockLicence } from '../../support/dock-licence';
import { randomBytes } from 'node:crypto';
import { BINDING_UNAVAILABLE_RESULT, REQUEST_NOT_SUPPORTED_RESULT } from '@dock/protocol';
import { createSimulatedDock, SimulatedDock } from '../../../apps/dock-simulator/src';
import { eventually } from '../../support/eventually';
import { infraSettings } from '../../support/infra-settings';
import { GatewayFixture } from './support/gateway-fixture';
import { StartedReplica, startReplica } from './support/gateway-harness';
import type { CollectedRecord } from './support/kafka-collector';

jest.setTimeout(90_000);

/** This run's licence: random, as the operator's secrets would be. */
const LICENCE = randomDockLicence();
const REQUEST_TIMEOUT_MS = 3_000;
const fixture = new GatewayFixture('it-gw-onb', {
  GATEWAY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
  NTP_SERVER_HOST: 'ntp.onboarding.test',
  NTP_SERVER_PORT: '1123',
  ...LICENCE,
});
const { group, topics, dock, kafka } = fixture;
const simulated: SimulatedDock[] = [];
let replica: StartedReplica;

const newSn = (): string => fixture.newSn('O');

function request(sn: string, tid: string, method: string, data: unknown) {
  return dock.publish(
    `thing/product/${sn}/requests`,
    JSON.stringify({ tid, bid: `bid-${tid}`, timestamp: Date.now(), gateway: sn, method, data }),
  );
}

function repliesTo(sn: string) {
  return dock.downlink(`${sn}/requests_reply`);
}

/** Writes an answer to dock.request-replies, as the registry service does. */
async function answer(record: CollectedRecord, data: Record<string, unknown>): Promise<void> {
  await fixture.sendRequestReply({
    schemaVersion: 1,
    gatewaySn: String(record.key),
    tid: String(record.value.tid),
    bid: String(record.value.bid),
    method: String(record.value.method),
    data,
    answeredAt: Date.now(),
    answeredBy: 'it-registry',
  });
}

function forwarded(sn: string, method: string): CollectedRecord[] {
  return kafka.on(
    topics.uplink.requests,
    (record) => record.key === sn && record.value.method === method,
  );
}

beforeAll(async () => {
  await fixture.start([topics.uplink.requests, topics.deadLetter]);
  replica = await startReplica(group, 'a');
});

afterAll(async () => {
  await Promise.all(simulated.map((d) => d.stop()));
  await replica?.runtime.stop();
  await fixture.stop();
});

describe('config', () => {
  it('is answered by the gateway at once, with its settings and the same tid and bid', async () => {
    const sn = newSn();
    await dock.watch(sn);
    const sentAt = Date.now();
    await request(sn, 'cfg-1', 'config', { config_type: 'json', config_scope: 'product' });
    const [reply] = await eventually(() => {
      const found = repliesTo(sn);
      expect(found).toHaveLength(1);
      return found;
    });
    // Well inside the request deadline: nothing waited for a service.
    expect(Date.now() - sentAt).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
    expect(reply?.json).toEqual({
      tid: 'cfg-1',
      bid: 'bid-cfg-1',
      timestamp: expect.any(Number),
      method: 'config',
      data: {
        ntp_server_host: 'ntp.onboarding.test',
        ntp_server_port: 1123,
        app_id: LICENCE.DJI_APP_ID,
        app_key: LICENCE.DJI_APP_KEY,
        app_license: LICENCE.DJI_APP_LICENSE,
      },
    });
    // Still written for other services, as a known request.
    await eventually(() =>
      expect(forwarded(sn, 'config')).toEqual([
        expect.objectContaining({ value: expect.objectContaining({ known: true, tid: 'cfg-1' }) }),
      ]),
    );
    expect(
      await replica.metric('gateway_request_replies_total', {
        method: 'config',
        outcome: 'gateway',
      }),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe('requests no service answers', () => {
  it('get "not supported" at once, not after the deadline', async () => {
    const sn = newSn();
    await dock.watch(sn);
    const sentAt = Date.now();
    await request(sn, 'unk-1', 'flighttask_progress_get', { flight_id: 'f' });
    const [reply] = await eventually(() => {
      const found = repliesTo(sn);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(Date.now() - sentAt).toBeLessThan(REQUEST_TIMEOUT_MS / 2);
    expect(reply?.json).toMatchObject({
      tid: 'unk-1',
      bid: 'bid-unk-1',
      method: 'flighttask_progress_get',
      data: { result: REQUEST_NOT_SUPPORTED_RESULT },
    });
  });
});

describe('binding requests', () => {
  it('are forwarded to dock.uplink.requests and answered with what the registry wrote', async () => {
    const sn = newSn();
    await dock.watch(sn);
    await request(sn, 'bs-1', 'airport_bind_status', {
      devices: [{ sn: `${sn}-UAV` }, { sn }],
    });
    const [record] = await eventually(() => {
      const found = forwarded(sn, 'airport_bind_status');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(repliesTo(sn)).toEqual([]);
    const data = {
      result: 0,
      output: {
        bind_status: [sn, `${sn}-UAV`].map((device) => ({
          sn: device,
          is_device_bind_organization: true,
          organization_id: 'org-1',
          organization_name: 'North',
          device_callsign: device,
        })),
      },
    };
    await answer(record as CollectedRecord, data);
    const [reply] = await eventually(() => {
      const found = repliesTo(sn);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(reply?.json).toMatchObject({ tid: 'bs-1', method: 'airport_bind_status', data });
  });

  it('turn a malformed registry answer into an error result, never silence', async () => {
    const sn = newSn();
    await dock.watch(sn);
    await request(sn, 'og-1', 'airport_organization_get', {
      device_binding_code: 'CODE',
      organization_id: 'org-1',
    });
    const [record] = await eventually(() => {
      const found = forwarded(sn, 'airport_organization_get');
      expect(found).toHaveLength(1);
      return found;
    });
    await answer(record as CollectedRecord, {
      result: 0,
      output: { name: 'no organization_name' },
    });
    const [reply] = await eventually(() => {
      const found = repliesTo(sn);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(reply?.json).toMatchObject({
      tid: 'og-1',
      method: 'airport_organization_get',
      data: { result: BINDING_UNAVAILABLE_RESULT },
    });
  });

  it('answer a malformed binding request at once with an error result', async () => {
    const sn = newSn();
    await dock.watch(sn);
    await request(sn, 'ob-1', 'airport_organization_bind', { bind_devices: 'all of them' });
    const [reply] = await eventually(() => {
      const found = repliesTo(sn);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(reply?.json).toMatchObject({
      tid: 'ob-1',
      data: { result: BINDING_UNAVAILABLE_RESULT },
    });
    await eventually(() =>
      expect(kafka.on(topics.deadLetter, (record) => record.key === sn)).toHaveLength(1),
    );
  });
});

describe('the dock simulator through the gateway', () => {
  it('onboards: config (licence checked), topology, bind status, organization, bind', async () => {
    const sn = newSn();
    const code = randomBytes(4).toString('hex');
    const sim = createSimulatedDock({
      sn,
      mqtt: { url: infraSettings.mqttUrl },
      behaviour: {
        osdIntervalMs: 500,
        expectedLicence: {
          app_id: LICENCE.DJI_APP_ID,
          app_key: LICENCE.DJI_APP_KEY,
          app_license: LICENCE.DJI_APP_LICENSE,
        },
        organization: { id: 'org-7', bindingCode: code },
      },
    });
    simulated.push(sim);
    await sim.start();
    // Plays the registry: answers each binding request the gateway forwards for this dock.
    const answered = new Set<string>();
    await eventually(
      async () => {
        for (const record of kafka.on(topics.uplink.requests, (r) => r.key === sn)) {
          const tid = String(record.value.tid);
          if (answered.has(tid)) continue;
          const method = String(record.value.method);
          const data = record.value.data as Record<string, unknown>;
          if (method === 'airport_bind_status') {
            answered.add(tid);
            const devices = data.devices as { sn: string }[];
            await answer(record, {
              result: 0,
              output: {
                bind_status: devices.map((d) => ({
                  sn: d.sn,
                  is_device_bind_organization: false,
                  organization_id: '',
                  organization_name: '',
                  device_callsign: '',
                })),
              },
            });
          } else if (method === 'airport_organization_get') {
            answered.add(tid);
            const right = data.device_binding_code === code && data.organization_id === 'org-7';
            await answer(
              record,
              right ? { result: 0, output: { organization_name: 'Seven' } } : { result: 210231 },
            );
          } else if (method === 'airport_organization_bind') {
            answered.add(tid);
            const devices = data.bind_devices as { sn: string }[];
            await answer(record, {
              result: 0,
              output: { err_infos: devices.map((d) => ({ sn: d.sn, err_code: 0 })) },
            });
          }
        }
        expect(sim.snapshot().onboarding).toEqual({ state: 'bound', organizationName: 'Seven' });
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(sim.snapshot()).toMatchObject({ online: true });
    expect(sim.snapshot().replies.latenciesMs.status_reply.length).toBeGreaterThanOrEqual(1);
    expect(sim.snapshot().counters.published).toMatchObject({
      'requests:config': 1,
      'requests:airport_bind_status': 1,
      'requests:airport_organization_get': 1,
      'requests:airport_organization_bind': 1,
    });
  });
});
