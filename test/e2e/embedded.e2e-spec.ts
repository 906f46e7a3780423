import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { EmbeddedSystem, startEmbeddedSystem } from '../../apps/standalone/test/embedded-system';
import { checkBusLog } from '../support/asyncapi-contract';
import { defineWaylineScenarios, scenarioFailures } from './scenarios/wayline-scenarios';
import { SCENARIO_SETTINGS } from './support/system-under-test';

/**
 * The wayline scenarios against the embedded mode (`npm start`: the four services in one
 * process, the in-process bus, embedded PostgreSQL, in-memory pending calls), as built in
 * dist/apps/standalone, with its own MQTT broker (aedes, MQTT 3.1.1): the scenarios' docks
 * connect to it at MQTT 3.1.1, as docks would to a one-process installation.
 */
let system: EmbeddedSystem | undefined;

beforeAll(async () => {
  const run = randomBytes(4).toString('hex');
  system = await startEmbeddedSystem({
    env: {
      ...SCENARIO_SETTINGS,
      GATEWAY_INSTANCE_ID: `embedded-e2e-${run}`,
    },
  });
}, 180_000);

afterAll(async () => {
  if (system === undefined) return;
  if (scenarioFailures() > 0) {
    console.error(`embedded system output (last lines):\n${system.output().slice(-20_000)}`);
  }
  await system.stop();
  rmSync(system.dataDir, { recursive: true, force: true });
}, 60_000);

defineWaylineScenarios(() => {
  if (system === undefined) throw new Error('the embedded system did not start');
  return system;
});

it('wrote only records that docs/asyncapi.yaml describes, on every topic the services write', () => {
  // Every service of the embedded mode writes to the one in-process bus, whose log is here.
  const { recordsByTopic, problems } = checkBusLog(path.join(system!.dataDir, 'bus'));
  expect(problems).toEqual([]);
  for (const topic of [
    'dock.commands',
    'dock.command-replies',
    'dock.request-replies',
    'dock.uplink.events',
    'mission.task-events',
  ]) {
    expect(recordsByTopic[topic] ?? 0).toBeGreaterThan(0);
  }
});
