import { randomUUID } from 'node:crypto';
import { deviceEventRecordSchema } from '@dock/contracts';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import { RunningRegistry, startRegistry } from './registry-harness';

const OFFLINE_AFTER_MS = 2_000;
const DOCKS = 6;

/**
 * Two replicas on one schema, one set of topics and one pair of consumer groups: they share
 * the work, answer each request once, and their silence sweepers never announce a dock twice.
 */
describe('registry replicas', () => {
  let first: RunningRegistry;
  let second: RunningRegistry;
  const run = uniqueName('x').replace(/-/g, '').toUpperCase().slice(-8);
  const settings = {
    REGISTRY_DOCK_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
    // Both sweep often, so they would collide if the locking let them.
    REGISTRY_SWEEP_INTERVAL_MS: '50',
    REGISTRY_RELAY_INTERVAL_MS: '100',
  };

  beforeAll(async () => {
    first = await startRegistry(settings);
    second = await startRegistry(settings, first);
  }, 90_000);

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  }, 60_000);

  const events = () =>
    first.collected
      .filter((r) => r.topic === first.topics.deviceEvents)
      .map((r) => deviceEventRecordSchema.parse(r.value))
      .filter((e) => e.gatewaySn.endsWith(run));

  it('marks each silent dock and aircraft offline exactly once', async () => {
    for (let i = 0; i < DOCKS; i++) {
      const dock = `D${i}${run}`;
      await first.fromDock(`sys/product/${dock}/status`, {
        tid: randomUUID(),
        bid: randomUUID(),
        timestamp: Date.now(),
        method: 'update_topo',
        data: {
          domain: '3',
          type: 2,
          sub_type: 0,
          sub_devices: [{ sn: `A${i}${run}`, domain: '0', type: 91, sub_type: 0, index: 'A' }],
        },
      });
    }
    await eventually(
      () => {
        const offline = events().filter((e) => e.kind === 'presence' && e.online === false);
        expect(offline).toHaveLength(2 * DOCKS);
      },
      { timeoutMs: OFFLINE_AFTER_MS + 15_000, intervalMs: 200 },
    );
    // Many more sweeps of both replicas later, still one offline event per device.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const offline = events().filter((e) => e.kind === 'presence' && e.online === false);
    expect(offline.map((e) => e.deviceSn).sort()).toEqual(
      Array.from({ length: DOCKS }, (_, i) => [`A${i}${run}`, `D${i}${run}`])
        .flat()
        .sort(),
    );
    const online = events().filter((e) => e.kind === 'presence' && e.online === true);
    expect(online).toHaveLength(2 * DOCKS);
  }, 60_000);

  it('answers each request once, whichever replica has its partition', async () => {
    const tids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const tid = randomUUID();
      tids.push(tid);
      const gw = `R${i}${run}`;
      await first.fromDock(`thing/product/${gw}/requests`, {
        tid,
        bid: tid,
        timestamp: Date.now(),
        gateway: gw,
        method: 'airport_bind_status',
        data: { devices: [{ sn: gw }] },
      });
    }
    const replies = () =>
      first.collected.filter(
        (r) => r.topic === first.topics.requestReplies && tids.includes(String(r.value.tid)),
      );
    await eventually(() => expect(replies()).toHaveLength(10), { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(new Set(replies().map((r) => r.value.tid)).size).toBe(10);
    expect(replies()).toHaveLength(10);
  }, 60_000);
});
