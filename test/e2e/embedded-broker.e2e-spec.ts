import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSimulatedDock, SimulatedDock } from '../../apps/dock-simulator/src';
import {
  EmbeddedSystem,
  runEmbeddedToExit,
  startEmbeddedSystem,
} from '../../apps/standalone/test/embedded-system';
import { eventually } from '../support/eventually';
import { Apis } from './support/api-client';
import { buildKmz } from './support/kmz';

/**
 * The embedded mode with everything embedded, as `npm start` runs it on a fresh clone: a
 * simulated dock on the embedded MQTT 3.1.1 broker flies a mission through it; the data is
 * still there after a restart; one HTTP port serves every service's API and one OpenAPI page;
 * a port set explicitly that is taken stops the start with the variable's name.
 */
let system: EmbeddedSystem | undefined;
const docks: SimulatedDock[] = [];

afterAll(async () => {
  await Promise.all(docks.map((dock) => dock.stop()));
  await system?.stop();
  if (system) rmSync(system.dataDir, { recursive: true, force: true });
}, 60_000);

it('flies an immediate mission through the embedded broker, and keeps it across a restart', async () => {
  system = await startEmbeddedSystem();
  expect(system.mqttProtocolVersion).toBe(4);
  const apis = new Apis(system);

  const ready = (await (await fetch(`${system.httpUrl}/health/ready`)).json()) as {
    checks: { name: string }[];
  };
  expect(ready.checks.map((check) => check.name)).toEqual(
    expect.arrayContaining(['mqtt', 'bus', 'mqtt-broker', 'postgres-mission', 'storage']),
  );
  const openapi = (await (await fetch(`${system.httpUrl}/docs/openapi.json`)).json()) as {
    paths: Record<string, unknown>;
  };
  expect(Object.keys(openapi.paths)).toEqual(
    expect.arrayContaining([
      '/tasks',
      '/waylines',
      '/flights/{flightId}/progress',
      '/health/ready',
    ]),
  );
  const anonymous = await fetch(`${system.httpUrl}/tasks`);
  expect(anonymous.status).toBe(401);

  const dock = createSimulatedDock({
    sn: `${system.snPrefix}-BROKER`,
    // The login and the organization of DATA_DIR/credentials.json, as `npm run simulate --
    // --credentials` uses them: the broker lets only a bound dock's telemetry through.
    mqtt: { url: system.mqttUrl, protocolVersion: 4, reconnectPeriodMs: 500, ...system.mqttLogin },
    behaviour: {
      speed: 60,
      waypoints: 4,
      progressIntervalMs: 200,
      osdIntervalMs: 5_000,
      organization: system.organization,
    },
  });
  docks.push(dock);
  await dock.start();
  await eventually(() => expect(dock.snapshot().replies.latenciesMs.status_reply).not.toEqual([]), {
    timeoutMs: 15_000,
  });
  await eventually(() => expect(dock.snapshot().onboarding.state).toBe('bound'), {
    timeoutMs: 15_000,
  });
  const kmz = await buildKmz(`${system.snPrefix}-BROKER`);
  const wayline = await apis.uploadWayline(kmz.bytes, 'embedded-broker');
  const created = await apis.createTask({
    name: 'embedded broker',
    gatewaySn: dock.sn,
    waylineId: wayline.id,
    rthAltitude: 100,
    exitWaylineWhenRcLost: 0,
    taskType: 'immediate',
  });
  const done = await eventually(
    async () => {
      const task = await apis.task(created.flightId);
      expect(task.state).toBe('ok');
      return task;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  expect(done.progress).toMatchObject({ percent: 100 });
  expect(dock.snapshot().replies.missing).toEqual({});
  const timeline = await eventually(
    async () => {
      const reports = await apis.timeline(created.flightId);
      expect(reports[reports.length - 1]).toMatchObject({ status: 'ok', final: true });
      return reports;
    },
    { timeoutMs: 15_000 },
  );

  // A restart on the same data directory: the task, its timeline and the wayline are there.
  await dock.stop();
  const { dataDir, snPrefix } = system;
  await system.stop();
  system = await startEmbeddedSystem({ dataDir, snPrefix });
  const again = new Apis(system);
  expect((await again.task(created.flightId)).state).toBe('ok');
  expect(await again.timeline(created.flightId)).toHaveLength(timeline.length);
  const wayline2 = await fetch(`${system.httpUrl}/waylines/${wayline.id}`, {
    headers: { authorization: `Bearer ${system.missionApi.token}` },
  });
  expect(wayline2.status).toBe(200);
}, 240_000);

it('refuses to start when a port set explicitly is taken, naming the variable', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', () => resolve()));
  const address = blocker.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'embedded-port-'));
    const { code, output } = await runEmbeddedToExit({
      HTTP_PORT: String(port),
      MQTT_PORT: '0',
      DATA_DIR: dataDir,
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(78);
    expect(output).toContain(`HTTP port ${port} (HTTP_PORT=${port}) is already in use`);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
}, 60_000);
