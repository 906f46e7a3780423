// Issue 14 end to end, embedded: `npm start` (apps/standalone, from source, in a process of its
// own: PGlite, the in-process bus, the embedded MQTT 3.1.1 broker) and the real dock simulator
// given nothing but DATA_DIR/credentials.json (`--credentials`): it binds to the default
// organization, shows up online with its aircraft, and goes offline when it falls silent.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_ORGANIZATION_ID, DEFAULT_ORGANIZATION_NAME } from '@dock/contracts';
import { EmbeddedSystem, startEmbeddedSystem } from '../../../apps/standalone/test/embedded-system';
import { BINDING_RESULT } from '../../../apps/registry/src/domain/binding-results';
import { CREDENTIALS_FILE, Credentials } from '../../../apps/standalone/src/onboarding';
import { checkBusLog } from '../../support/asyncapi-contract';
import { randomDockLicence } from '../../support/dock-licence';
import { eventually } from '../../support/eventually';
import { RegistryApi } from './support/registry-api';
import { StartedDock, startSimulatedDock } from './support/simulated-docks';

jest.setTimeout(180_000);

/** This run's licence, given to the embedded gateway as an operator would (DJI_APP_*). */
const LICENCE = randomDockLicence();
const OFFLINE_AFTER_MS = 2_000;
const SILENT_AFTER_S = 10;

let system: EmbeddedSystem | undefined;
const started: StartedDock[] = [];

beforeAll(async () => {
  system = await startEmbeddedSystem({
    fromSource: true,
    env: {
      ...LICENCE,
      LOG_LEVEL: 'warn',
      REGISTRY_DOCK_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
      REGISTRY_SWEEP_INTERVAL_MS: '200',
    },
  });
}, 180_000);

afterAll(async () => {
  await Promise.all(started.map(({ fleet }) => fleet.stop()));
  if (system === undefined) return;
  await system.stop();
  await rm(system.dataDir, { recursive: true, force: true });
}, 60_000);

describe('a simulated dock onboarding in the embedded mode', () => {
  it('binds to the default organization from credentials.json, is online, then offline when silent', async () => {
    const embedded = system!;
    const file = path.join(embedded.dataDir, CREDENTIALS_FILE);
    const credentials = JSON.parse(await readFile(file, 'utf8')) as Credentials;
    expect(credentials.organization).toMatchObject({
      id: DEFAULT_ORGANIZATION_ID,
      name: DEFAULT_ORGANIZATION_NAME,
    });
    expect(credentials.api?.url).toBe(embedded.httpUrl);
    const api = new RegistryApi(credentials.api!.url, credentials.api!.token);

    const dockArgs = (snPrefix: string, ...more: string[]): string[] => [
      '--credentials',
      file,
      '--sn-prefix',
      snPrefix,
      '--mqtt-url',
      embedded.mqttUrl,
      '--mqtt-version',
      embedded.mqttProtocolVersion === 4 ? '3.1.1' : '5',
      '--osd-interval-ms',
      '300',
      '--app-id',
      LICENCE.DJI_APP_ID,
      '--app-key',
      LICENCE.DJI_APP_KEY,
      '--app-license',
      LICENCE.DJI_APP_LICENSE,
      ...more,
    ];
    const bound = await startSimulatedDock(
      dockArgs(embedded.snPrefix, '--silent-after', String(SILENT_AFTER_S)),
    );
    // The same credentials with the code mistyped: refused with the registry's code, unbound.
    const mistyped = await startSimulatedDock(
      dockArgs(`${embedded.snPrefix}W`, '--binding-code', 'WRONGCODE23'),
    );
    started.push(bound, mistyped);
    const { dock } = bound;

    await eventually(
      () =>
        expect(dock.snapshot().onboarding).toEqual({
          state: 'bound',
          organizationName: DEFAULT_ORGANIZATION_NAME,
        }),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await eventually(
      async () => {
        expect(await api.device(dock.sn)).toMatchObject({
          role: 'gateway',
          organizationId: DEFAULT_ORGANIZATION_ID,
          model: 'DJI Dock 3',
          online: true,
        });
        expect(await api.device(dock.aircraftSn)).toMatchObject({
          role: 'sub_device',
          gatewaySn: dock.sn,
          organizationId: DEFAULT_ORGANIZATION_ID,
          model: 'Matrice 4TD',
          online: true,
        });
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    await eventually(
      () =>
        expect(mistyped.dock.snapshot().onboarding).toEqual({
          state: 'unbound',
          reason: `airport_organization_get failed: result ${BINDING_RESULT.wrongCode}`,
        }),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // Bound to nobody, so not the organization's: its token does not see it (issue 15).
    expect(await api.device(mistyped.dock.sn)).toBeUndefined();
    expect(
      (await api.organizationDevices(DEFAULT_ORGANIZATION_ID)).map((device) => device.sn).sort(),
    ).toEqual([dock.sn, dock.aircraftSn].sort());

    await eventually(
      async () => {
        expect(await api.device(dock.sn)).toMatchObject({
          online: false,
          organizationId: DEFAULT_ORGANIZATION_ID,
        });
        expect(await api.device(dock.aircraftSn)).toMatchObject({ online: false });
      },
      { timeoutMs: SILENT_AFTER_S * 1000 + 20_000, intervalMs: 250 },
    );
    expect(dock.snapshot().counters.silenced).toBeGreaterThan(0);
  });
});

describe('the records the embedded services wrote meanwhile', () => {
  it('are all described by docs/asyncapi.yaml', () => {
    const { recordsByTopic, problems } = checkBusLog(path.join(system!.dataDir, 'bus'));
    expect(problems).toEqual([]);
    for (const topic of [
      'dock.uplink.requests',
      'dock.request-replies',
      'registry.device-events',
    ]) {
      expect(recordsByTopic[topic] ?? 0).toBeGreaterThan(0);
    }
  });
});
