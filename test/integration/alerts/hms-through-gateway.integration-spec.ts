import { randomUUID } from 'node:crypto';
import { hmsListAt } from '../../../apps/dock-simulator/src/domain/hms-script';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import { DockSimulator } from '../gateway/support/dock-simulator';
import {
  createTestTopics,
  deleteTestTopics,
  replicaGroup,
  startReplica,
  StartedReplica,
} from '../gateway/support/gateway-harness';
import { RunningAlertsService, startAlertsService } from './alerts-harness';

interface AlertBody {
  code: string;
  active: boolean;
  count: number;
  inTheSky: boolean;
}

/**
 * HMS end to end: hms messages as the simulator's `--hms` script sends them, published on
 * Mosquitto, normalised by the real gateway into Kafka, and turned into alerts by the alerts
 * service: raised, updated while repeated, cleared once the dock stops listing it.
 */
describe('HMS alerts through Mosquitto and the gateway', () => {
  const group = replicaGroup('alerts-hms');
  let gateway: StartedReplica;
  let alerts: RunningAlertsService;
  const dock = new DockSimulator();

  beforeAll(async () => {
    await createTestTopics(group.topics);
    gateway = await startReplica(group, 'a');
    // The alerts service reads the gateway's (test) events topic.
    alerts = await startAlertsService({}, { uplinkEvents: group.topics.uplink.events });
    await dock.connect();
  }, 90_000);

  afterAll(async () => {
    await dock.close();
    await alerts?.stop();
    await gateway?.runtime.stop();
    await deleteTestTopics(group.topics);
  }, 60_000);

  it('raises, updates and clears the simulated alert', async () => {
    const sn = uniqueName('HMSDOCK').toUpperCase();
    const start = Date.now();
    const activeAlerts = async () =>
      ((await alerts.api(`/docks/${sn}/hms-alerts?state=all`)).body as { items: AlertBody[] })
        .items;
    for (let tick = 1; tick <= 6; tick++) {
      await dock.publish(
        `thing/product/${sn}/events`,
        JSON.stringify({
          tid: randomUUID(),
          bid: randomUUID(),
          timestamp: start + tick * 1000,
          gateway: sn,
          method: 'hms',
          data: { list: hmsListAt(tick) },
        }),
      );
      if (tick === 3) {
        await eventually(async () =>
          expect(await activeAlerts()).toEqual([
            expect.objectContaining({ code: '0x16100083', active: true, count: 1, inTheSky: true }),
          ]),
        );
      }
      if (tick === 5) {
        await eventually(async () =>
          expect(await activeAlerts()).toEqual([
            expect.objectContaining({ active: true, count: 3 }),
          ]),
        );
      }
    }
    await eventually(async () =>
      expect(await activeAlerts()).toEqual([expect.objectContaining({ active: false, count: 3 })]),
    );
  }, 60_000);
});
