// Issue 14 end to end, distributed: the real gateway (in-process replica, Redis for pending
// requests) and the real registry service (its own schema) on the real Mosquitto, Kafka and
// PostgreSQL, topics and groups of this run only; the real dock simulator, configured by its
// command line, onboards: config -> licence -> update_topo -> bind status -> organization get
// -> bind. Everything the test knows comes from the registry's REST API, the simulator's own
// view and registry.device-events.
import { randomUUID } from 'node:crypto';
import { BINDING_UNAVAILABLE_RESULT } from '@dock/protocol';
import { BINDING_RESULT } from '../../../apps/registry/src/domain/binding-results';
import { randomDockLicence } from '../../support/dock-licence';
import { eventually } from '../../support/eventually';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import { DockSimulator } from '../gateway/support/dock-simulator';
import {
  createTestTopics,
  deleteTestTopics,
  replicaGroup,
  StartedReplica,
  startReplica,
} from '../gateway/support/gateway-harness';
import { RunningRegistry, startRegistry, TEST_TOKEN } from '../registry/registry-harness';
import { RegistryApi } from './support/registry-api';
import { StartedDock, startSimulatedDock } from './support/simulated-docks';

jest.setTimeout(120_000);

/** This run's licence: random, as the operator's secrets are. */
const LICENCE = randomDockLicence();
/** Short on purpose: the silent dock must go offline within the test. */
const OFFLINE_AFTER_MS = 2_000;
/** Long enough to onboard first (binding runs through Kafka twice per request). */
const SILENT_AFTER_S = 10;

const group = replicaGroup('it-onboard', {
  GATEWAY_REQUEST_TIMEOUT_MS: '15000',
  ...LICENCE,
});
const run = group.run
  .replace(/[^a-z0-9]/g, '')
  .slice(-8)
  .toUpperCase();
let gateway: StartedReplica;
let registry: RunningRegistry;
let api: RegistryApi;
const raw = new DockSimulator();
const started: StartedDock[] = [];

/** The simulator's command line for one dock of this run (fast OSD: presence is measured). */
function dockArgs(sn: string, ...more: string[]): string[] {
  return [
    '--sn-prefix',
    sn,
    '--mqtt-url',
    infraSettings.mqttUrl,
    '--osd-interval-ms',
    '300',
    '--app-id',
    LICENCE.DJI_APP_ID,
    '--app-key',
    LICENCE.DJI_APP_KEY,
    '--app-license',
    LICENCE.DJI_APP_LICENSE,
    // Another engineer's gateway on the shared broker may answer config first: ask again soon.
    '--licence-retry-s',
    '1',
    ...more,
  ];
}

async function startDock(sn: string, ...more: string[]): Promise<StartedDock> {
  const dock = await startSimulatedDock(dockArgs(sn, ...more));
  started.push(dock);
  return dock;
}

beforeAll(async () => {
  await createTestTopics(group.topics);
  gateway = await startReplica(group, 'r1');
  registry = await startRegistry(
    {
      REGISTRY_DOCK_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
      REGISTRY_SWEEP_INTERVAL_MS: '200',
      REGISTRY_RELAY_INTERVAL_MS: '200',
    },
    undefined,
    {
      requests: group.topics.uplink.requests,
      requestReplies: group.topics.requestReplies,
      status: group.topics.uplink.status,
      osd: group.topics.uplink.osd,
      state: group.topics.uplink.state,
      deviceEvents: uniqueName('onb-device-events'),
    },
  );
  api = new RegistryApi(registry.baseUrl, TEST_TOKEN);
  await raw.connect();
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map(({ fleet }) => fleet.stop()));
  await raw.close();
  await registry?.stop();
  await gateway?.runtime.stop();
  await deleteTestTopics(group.topics);
}, 60_000);

/** registry.device-events of one device, in the order the registry wrote them. */
function deviceEvents(deviceSn: string, kind: string): Record<string, unknown>[] {
  return registry.collected
    .filter((r) => r.topic === registry.topics.deviceEvents)
    .map((r) => r.value)
    .filter((event) => event.deviceSn === deviceSn && event.kind === kind);
}

describe('a simulated dock onboarding through the real gateway and registry', () => {
  it('has its consumers behind the consumer guard (readiness consumers-registry)', async () => {
    const ready = await fetch(`${registry.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
    expect(body.checks).toContainEqual(
      expect.objectContaining({ name: 'consumers-registry', ok: true }),
    );
  });

  it('binds with the right code, shows up online with its aircraft, and goes offline when silent', async () => {
    const organizationId = await api.createOrganization(`Onboarding North ${run}`);
    const { code } = await api.issueCode(organizationId);
    const { dock } = await startDock(
      `ONBA${run}`,
      '--organization-id',
      organizationId,
      '--binding-code',
      code,
      '--silent-after',
      String(SILENT_AFTER_S),
    );
    const aircraft = dock.aircraftSn;

    // config answered with this run's licence (the simulator checks every field), then bound.
    await eventually(
      () =>
        expect(dock.snapshot().onboarding).toEqual({
          state: 'bound',
          organizationName: `Onboarding North ${run}`,
        }),
      { timeoutMs: 40_000, intervalMs: 200 },
    );
    await eventually(
      async () => {
        expect(await api.device(dock.sn)).toMatchObject({
          role: 'gateway',
          organizationId,
          callsign: dock.sn,
          modelKey: '3-3-0',
          model: 'DJI Dock 3',
          online: true,
        });
        expect(await api.device(aircraft)).toMatchObject({
          role: 'sub_device',
          gatewaySn: dock.sn,
          organizationId,
          modelKey: '0-100-1',
          model: 'Matrice 4TD',
          online: true,
        });
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect((await api.organizationDevices(organizationId)).map((d) => d.sn).sort()).toEqual(
      [dock.sn, aircraft].sort(),
    );

    // Silent: the sweeper takes the dock and its aircraft offline after OFFLINE_AFTER_MS.
    await eventually(
      async () => {
        expect(await api.device(dock.sn)).toMatchObject({ online: false, organizationId });
        expect(await api.device(aircraft)).toMatchObject({ online: false, organizationId });
      },
      { timeoutMs: SILENT_AFTER_S * 1000 + 20_000, intervalMs: 250 },
    );
    expect(dock.snapshot().counters.silenced).toBeGreaterThan(0);
    await eventually(
      () => {
        for (const sn of [dock.sn, aircraft]) {
          const presence = deviceEvents(sn, 'presence').map((event) => event.online);
          expect(presence[0]).toBe(true);
          expect(presence[presence.length - 1]).toBe(false);
          expect(deviceEvents(sn, 'binding')).toContainEqual(
            expect.objectContaining({ bound: true, organizationId }),
          );
        }
        const offline = deviceEvents(dock.sn, 'presence').at(-1);
        expect(offline).toMatchObject({ online: false, cause: expect.stringContaining('silent') });
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
  });

  it('refuses a wrong and an expired binding code with their result, and leaves those docks unbound', async () => {
    const organizationId = await api.createOrganization(`Onboarding South ${run}`);
    const expired = await api.issueCode(organizationId);
    await api.expireCode(organizationId, expired.id);
    const wrong = await startDock(
      `ONBW${run}`,
      '--organization-id',
      organizationId,
      '--binding-code',
      'WRONGCODE23',
    );
    const late = await startDock(
      `ONBE${run}`,
      '--organization-id',
      organizationId,
      '--binding-code',
      expired.code,
    );

    for (const [{ dock }, result] of [
      [wrong, BINDING_RESULT.wrongCode],
      [late, BINDING_RESULT.expiredCode],
    ] as const) {
      // The registry's own code reaches the dock (not the gateway's generic failure).
      await eventually(
        () =>
          expect(dock.snapshot().onboarding).toEqual({
            state: 'unbound',
            reason: `airport_organization_get failed: result ${result}`,
          }),
        { timeoutMs: 40_000, intervalMs: 200 },
      );
      await eventually(
        async () =>
          expect(await api.device(dock.sn)).toMatchObject({
            organizationId: null,
            online: true,
            model: 'DJI Dock 3',
          }),
        { timeoutMs: 10_000, intervalMs: 200 },
      );
      expect(await api.device(dock.aircraftSn)).toMatchObject({ organizationId: null });
      expect(deviceEvents(dock.sn, 'binding')).toEqual([]);
    }
    expect(await api.organizationDevices(organizationId)).toEqual([]);
  });

  it('answers a malformed binding request with the error result and binds nothing', async () => {
    const sn = `ONBM${run}`;
    await raw.watch(sn);
    const organizationId = await api.createOrganization(`Onboarding West ${run}`);
    const tid = randomUUID();
    await raw.publish(
      `thing/product/${sn}/requests`,
      JSON.stringify({
        tid,
        bid: `bid-${tid}`,
        timestamp: Date.now(),
        gateway: sn,
        method: 'airport_organization_bind',
        // No binding code, no organization: libs/protocol refuses it at the gateway.
        data: { bind_devices: [{ sn, device_callsign: 'nameless' }] },
      }),
    );
    const reply = await eventually(
      () => {
        const found = raw.downlink(`${sn}/requests_reply`).find((m) => m.json.tid === tid);
        expect(found).toBeDefined();
        return found!;
      },
      { timeoutMs: 15_000 },
    );
    expect(reply.json).toMatchObject({
      tid,
      method: 'airport_organization_bind',
      data: { result: BINDING_UNAVAILABLE_RESULT },
    });
    expect(await api.device(sn)).toBeUndefined();
    expect(await api.organizationDevices(organizationId)).toEqual([]);
    expect(
      registry.collected.filter(
        (r) => r.topic === registry.topics.requestReplies && r.value.tid === tid,
      ),
    ).toEqual([]);
  });
});
