// The in-flight watchdog against real PostgreSQL, Kafka and Redis: two replicas in process on one
// schema, a clock the test moves (the default silence limit is a jump of the clock, not a wait),
// and the test playing the gateway and the docks on topics of its own.
// Run: npx jest --selectProjects integration -- test/integration/mission/in-flight-watchdog
import { loadConfig } from '@dock/platform';
import { missionConfigSchema } from '../../../apps/mission/src/mission.config';
import { eventually } from '../../support/eventually';
import { Api, FakeGateway, ManualClock, MissionWorld, startMissionWorld } from './mission-harness';

jest.setTimeout(120_000);

const MINUTE = 60_000;
/** The default limit: the replicas run with it. */
const LIMIT = loadConfig(missionConfigSchema, {}).MISSION_IN_FLIGHT_SILENCE_MS;
const SLOW = { timeoutMs: 20_000, intervalMs: 100 };

type Json = Record<string, unknown>;

describe('mission service: in-flight watchdog (integration)', () => {
  let world: MissionWorld;
  let clock: ManualClock;
  let gateway: FakeGateway;
  let apiB: Api;

  const sn = (name: string) => world.sn(name);
  const create = (body: Json, api?: Api) => world.create(body, api);
  const task = (flightId: string, api?: Api) => world.task(flightId, api);
  const waitState = (flightId: string, state: string) => world.waitState(flightId, state);

  beforeAll(async () => {
    world = await startMissionWorld('w');
    ({ clock, gateway, apiB } = world);
  });

  afterAll(async () => {
    await world?.stop();
  });

  /**
   * Returns once the scheduler has planned, at the current clock, every dock that has due work:
   * a task created now on a fresh dock is due last, so once it runs the docks before it were
   * planned (by one replica or the other).
   */
  async function schedulerCaughtUp(): Promise<void> {
    const probe = await create({ gatewaySn: sn(`probe${clock.now()}`), taskType: 'immediate' });
    await waitState(probe, 'in_progress');
  }

  function preparedFlights(gatewaySn: string): unknown[] {
    return gateway
      .commandsFor(gatewaySn, 'flighttask_prepare')
      .map((c) => (c.data as Json).flight_id);
  }

  it('times out silent started tasks, keeps one that reports, moves the queue on, stays final', async () => {
    const t0 = clock.now();
    const silentDock = sn('silent');
    const pausedDock = sn('paused');
    const talkingDock = sn('talking');
    const silent = await create({ gatewaySn: silentDock, taskType: 'immediate' });
    const paused = await create({ gatewaySn: pausedDock, taskType: 'immediate' }, apiB);
    const talking = await create({ gatewaySn: talkingDock, taskType: 'immediate' });
    for (const flightId of [silent, paused, talking]) await waitState(flightId, 'in_progress');
    expect((await apiB.call('POST', `/tasks/${paused}/pause`)).status).toBe(202);
    await waitState(paused, 'paused');
    // Queued behind the silent task: its prepare falls due while the dock is held, and its
    // window still runs a few minutes after the silent task's limit.
    const executeTime = t0 + LIMIT + 5 * MINUTE;
    const next = await create({ gatewaySn: silentDock, taskType: 'timed', executeTime });

    // Just under the limit: the talking dock reports; nothing times out, the queue waits.
    clock.set(t0 + LIMIT - MINUTE);
    await gateway.progress(talkingDock, talking, 'in_progress', 50, clock.now());
    await eventually(
      async () => expect((await task(talking)).progress).toMatchObject({ percent: 50 }),
      SLOW,
    );
    await schedulerCaughtUp();
    expect(await task(silent)).toMatchObject({ state: 'in_progress' });
    expect(await task(paused)).toMatchObject({ state: 'paused' });
    expect(await task(next)).toMatchObject({ state: 'scheduled' });
    expect(preparedFlights(silentDock)).toEqual([silent]);

    // Past the limit for the two last heard at t0; the talking one was heard since.
    clock.set(t0 + LIMIT + MINUTE);
    const timedOut = await waitState(silent, 'timeout');
    const minutes = LIMIT / MINUTE + 1;
    expect(timedOut.lastCause).toBe(
      `dock_silent: no word from dock ${silentDock} for ${minutes} min while in progress ` +
        `(last heard ${new Date(t0).toISOString()}, limit ${LIMIT / MINUTE} min); ` +
        "check the dock's power and link and where the aircraft is",
    );
    // No code from the dock ended it: the accepted execute's "0 success" is not kept.
    expect(timedOut.result).toEqual({ code: null, meaning: null });
    expect((timedOut.history as Json[]).at(-1)).toMatchObject({
      from: 'in_progress',
      to: 'timeout',
      cause: timedOut.lastCause,
      at: t0 + LIMIT + MINUTE,
    });
    const pausedOut = await waitState(paused, 'timeout');
    expect(pausedOut.lastCause).toMatch(/^dock_silent: .* while paused /);

    // The dock's queue moves on: the next task is prepared, then executed at its time.
    await waitState(next, 'prepared');
    expect(preparedFlights(silentDock)).toEqual([silent, next]);
    clock.set(executeTime);
    await waitState(next, 'in_progress');
    // Rounds ran past the limit meanwhile; the task that reported is untouched.
    expect(await task(talking)).toMatchObject({ state: 'in_progress' });

    // The dock comes back and reports on the timed-out task: nothing moves it. The report on
    // the next task follows on the same partition (keyed by dock), so once it is applied, the
    // late ones were handled too.
    await gateway.progress(silentDock, silent, 'in_progress', 80, executeTime + 1);
    await gateway.progress(silentDock, silent, 'ok', 100, executeTime + 2);
    await gateway.progress(silentDock, next, 'ok', 100, executeTime + 3);
    await waitState(next, 'ok');
    const final = await task(silent);
    expect(final).toMatchObject({ state: 'timeout', lastCause: timedOut.lastCause });
    expect((final.history as Json[]).map((h) => h.to)).toEqual([
      'scheduled',
      'preparing',
      'prepared',
      'executing',
      'in_progress',
      'timeout',
    ]);

    // Published like every change, once, though two replicas run the watchdog.
    await eventually(() => {
      const states = gateway.eventsFor(silent).map((e) => e.state);
      expect(states).toEqual([
        'scheduled',
        'preparing',
        'prepared',
        'executing',
        'in_progress',
        'timeout',
      ]);
      expect(gateway.eventsFor(silent).at(-1)).toMatchObject({
        previousState: 'in_progress',
        cause: timedOut.lastCause,
        resultCode: null,
        at: t0 + LIMIT + MINUTE,
      });
      expect(gateway.eventsFor(paused).map((e) => e.state)).toContain('timeout');
      expect(gateway.eventsFor(talking).map((e) => e.state)).not.toContain('timeout');
    }, SLOW);
  });
});
