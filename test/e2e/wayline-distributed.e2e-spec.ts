import {
  defineWaylineScenarios,
  scenarioDurations,
  scenarioFailures,
} from './scenarios/wayline-scenarios';
import { DistributedSystem, startDistributedSystem } from './support/distributed-system';

/**
 * The wayline scenarios against the production shape: the four built services as separate
 * processes (`node dist/apps/<app>/main.js`) on the real Mosquitto, Kafka, Redis and
 * PostgreSQL. `npm run test:e2e` builds the apps first. KEEP_E2E_LOGS=1 keeps the services'
 * logs (the directory is printed); they are kept anyway when a scenario fails. E2E_TIMINGS=1
 * prints how long each scenario took.
 */
let system: DistributedSystem | undefined;

beforeAll(async () => {
  system = await startDistributedSystem();
}, 120_000);

afterAll(async () => {
  if (system === undefined) return;
  if (process.env.E2E_TIMINGS === '1') console.log(`scenario durations:\n${scenarioDurations()}`);
  if (scenarioFailures() > 0) {
    // The scenarios' own reports hold the lines about their docks; this is the rest.
    system.keepLogs();
    console.error(
      `${scenarioFailures()} scenario(s) failed; service logs in ${system.logDir}\n` +
        system.processes.map((p) => `--- ${p.app} ---\n${p.tail(30).join('\n')}`).join('\n'),
    );
  }
  await system.stop();
}, 60_000);

defineWaylineScenarios(() => {
  if (system === undefined) throw new Error('the distributed system did not start');
  return system;
});
