import type { DockBehaviour, SimulatedDock } from '../../../apps/dock-simulator/src';
import { createHash } from 'node:crypto';
import { eventually } from '../../support/eventually';
import type { ProgressReport, Task } from '../support/api-client';
import { scenarioTimings, SystemUnderTest } from '../support/system-under-test';
import { ScenarioContext, UploadedWayline } from './scenario-context';

/**
 * Every wayline method, end to end, against any SystemUnderTest: simulated docks (the
 * dock-simulator library, in this process) connect to the system's MQTT broker, tasks are
 * created and commanded through the mission REST API, and the outcome is read back from the
 * mission and telemetry APIs (and from what the docks saw).
 *
 * Usage, at the TOP LEVEL of a spec file (jest starts concurrent tests once the top-level
 * beforeAll hooks ran, so the system must be started by one of those):
 *
 *   let system: SystemUnderTest;
 *   beforeAll(async () => { system = await startMySystem(); }, 120_000);
 *   afterAll(() => system?.stop());
 *   defineWaylineScenarios(() => system);
 *
 * The system must run with SCENARIO_SETTINGS (support/system-under-test.ts). Each scenario has
 * its own docks (SN `${snPrefix}-<TAG>`), wayline and tasks, so they run concurrently.
 */

/** Flies a whole task in ~3 s: 4 waypoints, 60x time, a progress report every 200 ms. */
const FAST: Partial<DockBehaviour> = {
  speed: 60,
  waypoints: 4,
  progressIntervalMs: 200,
  osdIntervalMs: 5_000,
};

/** Slower, so an operator's command lands during the wayline (step 21, ~10 s here). */
const STEADY: Partial<DockBehaviour> = {
  speed: 20,
  waypoints: 10,
  progressIntervalMs: 200,
  osdIntervalMs: 5_000,
};

const MINUTE = 60_000;

/** GET /flights/{id}/media of the media API (the fields the media scenario reads). */
interface MediaListing {
  status: string;
  expected: number | null;
  received: number;
  missing: number | null;
  files: {
    objectKey: string;
    downloadUrl: string;
    sizeBytes: number | null;
    fingerprint: string | null;
    [key: string]: unknown;
  }[];
}

let failures = 0;
const durations: { title: string; ms: number; ok: boolean }[] = [];

/** How many scenarios failed in this process so far (a spec's afterAll prints logs then). */
export function scenarioFailures(): number {
  return failures;
}

/** How long each scenario took (concurrent tests show no time of their own in jest's output). */
export function scenarioDurations(): string {
  return durations
    .map(
      ({ title, ms, ok }) =>
        `${ok ? 'ok  ' : 'FAIL'} ${(ms / 1000).toFixed(1).padStart(6)} s  ${title}`,
    )
    .join('\n');
}

type Scenario = (ctx: ScenarioContext) => Promise<void>;

function scenario(
  getSystem: () => SystemUnderTest,
  title: string,
  tag: string,
  body: Scenario,
  timeoutMs = 90_000,
): void {
  it.concurrent(
    title,
    async () => {
      const system = getSystem();
      if (system === undefined) throw new Error('the system under test did not start');
      const ctx = new ScenarioContext(system, tag);
      const started = Date.now();
      try {
        await body(ctx);
        durations.push({ title, ms: Date.now() - started, ok: true });
      } catch (error) {
        failures += 1;
        durations.push({ title, ms: Date.now() - started, ok: false });
        const report = `\n\n=== ${title} (${system.name}) ===\n${ctx.describe()}`;
        if (error instanceof Error) {
          error.message += report;
          throw error;
        }
        throw new Error(`${String(error)}${report}`);
      } finally {
        await ctx.close();
      }
    },
    timeoutMs,
  );
}

// ---- shared checks ----------------------------------------------------------------------------

function causes(task: Task): string[] {
  return (task.history ?? []).map((transition) => transition.cause);
}

function states(task: Task): string[] {
  return (task.history ?? []).map((transition) => transition.to);
}

/** `expected` appear in `actual` in this order (others may come between). */
function expectInOrder(actual: readonly string[], expected: readonly string[]): void {
  let at = 0;
  for (const item of actual) if (item === expected[at]) at += 1;
  expect({ actual, matched: expected.slice(0, at) }).toEqual({ actual, matched: expected });
}

/** Percent never goes back in a timeline of one flight (dock time order). */
function expectMonotonicPercent(timeline: readonly ProgressReport[]): void {
  const percents = timeline.map((report) => report.percent ?? 0);
  const sorted = [...percents].sort((a, b) => a - b);
  expect(percents).toEqual(sorted);
}

/**
 * A task flown to the end: the dock asked for the KMZ (flighttask_resource_get, answered by
 * the file service through the gateway), downloaded it and found the MD5 of the uploaded file;
 * the mission API shows `ok` at 100 % and the telemetry API the whole timeline and latest state.
 */
async function expectCompleteFlight(
  ctx: ScenarioContext,
  dock: SimulatedDock,
  wayline: UploadedWayline,
  flightId: string,
  timeoutMs = 60_000,
): Promise<Task> {
  const task = await ctx.taskReaches(flightId, 'ok', timeoutMs);
  expect(task.result.code).toBe(0);
  expect(task.progress).toMatchObject({ status: 'ok', percent: 100 });
  const detail = await ctx.apis.task(flightId);
  expectInOrder(states(detail), ['preparing', 'prepared', 'executing', 'in_progress', 'ok']);

  // The dock's side: prepared, executed, the KMZ from the file service with the right MD5.
  const mine = dock.snapshot().tasks.find((t) => t.flightId === flightId);
  expect(mine).toMatchObject({ state: 'ok', result: 0, percent: 100 });
  const counters = dock.snapshot().counters;
  expect(counters.published['requests:flighttask_resource_get']).toBeGreaterThanOrEqual(1);
  expect(wayline.fingerprint).toBe(wayline.kmz.md5);
  const downloads = ctx.downloads.filter((d) => d.url.includes(wayline.id));
  expect(downloads.length).toBeGreaterThanOrEqual(1);
  expect(downloads[downloads.length - 1].outcome).toEqual({ md5: wayline.kmz.md5 });
  expect(downloads[downloads.length - 1].url.startsWith(ctx.system.fileApi.baseUrl)).toBe(true);

  // Telemetry: the latest state and the whole timeline, in dock time order.
  const latest = await eventually(
    async () => {
      const flight = await ctx.apis.flight(flightId);
      expect(flight.latest).toMatchObject({ status: 'ok', final: true, percent: 100, result: 0 });
      return flight;
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );
  expect(latest.gatewaySn).toBe(dock.sn);
  const timeline = await ctx.apis.timeline(flightId);
  expect(timeline[0]).toMatchObject({ status: 'sent', currentStep: 5 });
  expect(timeline[timeline.length - 1]).toMatchObject({ status: 'ok', final: true });
  const steps = new Set(timeline.map((report) => report.currentStep));
  for (const step of [13, 14, 21]) expect(steps).toContain(step);
  expectMonotonicPercent(timeline);
  const dockState = await ctx.apis.dock(dock.sn);
  expect(dockState).toMatchObject({ gatewaySn: dock.sn, dockOnline: true });
  expect(dockState.progress).toMatchObject({ flightId, status: 'ok' });
  // The cloud owed the dock replies (events_reply, requests_reply, status_reply): none missing.
  expect(dock.snapshot().replies.missing).toEqual({});
  return detail;
}

// ---- the scenarios ---------------------------------------------------------------------------

export function defineWaylineScenarios(getSystem: () => SystemUnderTest): void {
  const define = (title: string, tag: string, body: Scenario, timeoutMs?: number) =>
    scenario(getSystem, title, tag, body, timeoutMs);

  // First: it waits for its execute_time (at least 2 minutes ahead, the protocol's minimum),
  // and concurrent tests start in the order they are defined.
  define(
    'timed task: prepared ahead, executed at execute_time, flown to ok',
    'TIMED',
    async (ctx) => {
      const dock = await ctx.dock(FAST);
      const wayline = await ctx.wayline();
      const executeTime = Date.now() + 2 * MINUTE + 5_000;
      const created = await ctx.createTask(dock, wayline, { taskType: 'timed', executeTime });
      expect(created).toMatchObject({ taskType: 'timed', executeTime });
      const prepared = await ctx.taskReaches(created.flightId, 'prepared', 20_000);
      expect(Date.now()).toBeLessThan(executeTime);
      expect(prepared.state).toBe('prepared');
      expect(dock.snapshot().tasks).toEqual([
        expect.objectContaining({ flightId: created.flightId, state: 'prepared' }),
      ]);
      await expectCompleteFlight(ctx, dock, wayline, created.flightId, 3 * MINUTE);
      const execute = dock
        .snapshot()
        .inbox.find(
          (entry) => entry.family === 'services' && entry.method === 'flighttask_execute',
        );
      expect(execute).toBeDefined();
      // Not before execute_time (a second of clock granularity between the processes).
      expect(execute?.at ?? 0).toBeGreaterThanOrEqual(executeTime - 1_000);
    },
    175_000,
  );

  define(
    'immediate task: prepare, execute, resource_get, KMZ download with MD5, progress, ok',
    'IMMEDIATE',
    async (ctx) => {
      const dock = await ctx.dock(FAST);
      const wayline = await ctx.wayline();
      const created = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
      expect(created).toMatchObject({ gatewaySn: dock.sn, waylineId: wayline.id });
      const task = await expectCompleteFlight(ctx, dock, wayline, created.flightId);
      // The execute's reply and the dock's first report race (two topics): either moves it on.
      expect(causes(task)).toContain('prepare_accepted');
      const results = dock.snapshot().counters.serviceResults;
      expect(results).toMatchObject({ 'flighttask_prepare=0': 1, 'flighttask_execute=0': 1 });
    },
  );

  define(
    'flight media: photos uploaded with the issued credentials, listed complete with working downloads; a short flight incomplete',
    'MEDIA',
    async (ctx) => {
      const media = ctx.system.mediaApi;
      if (media === undefined) throw new Error(`${ctx.system.name} has no media API`);
      const get = async (urlPath: string) => {
        const response = await fetch(`${media.baseUrl}${urlPath}`, {
          headers: { Authorization: `Bearer ${media.token}` },
        });
        return { status: response.status, body: (await response.json()) as MediaListing };
      };
      const wayline = await ctx.wayline();
      // One dock uploads every photo (and retries one callback); the other stops one short.
      const full = await ctx.dock({ ...FAST, media: { duplicate: true } });
      const short = await ctx.dock({ ...FAST, media: { shortBy: 1 } }, 'S');
      const [flown, shortFlown] = await Promise.all([
        ctx.createTask(full, wayline, { taskType: 'immediate' }),
        ctx.createTask(short, wayline, { taskType: 'immediate' }),
      ]);
      await Promise.all([
        ctx.taskReaches(flown.flightId, 'ok'),
        ctx.taskReaches(shortFlown.flightId, 'ok'),
      ]);

      const listing = await eventually(
        async () => {
          const { status, body } = await get(`/flights/${flown.flightId}/media`);
          expect(status).toBe(200);
          expect(body).toMatchObject({ status: 'complete', expected: 4, received: 4, missing: 0 });
          return body;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(full.snapshot().counters.published['requests:storage_config_get']).toBe(1);
      // Four photos, five callbacks (one retried): recorded once each.
      expect(full.snapshot().counters.published['events:file_upload_callback']).toBe(5);
      expect(listing.files).toHaveLength(4);
      for (const file of listing.files) {
        expect(file).toMatchObject({ type: 'photo', gatewaySn: full.sn, unknownFlight: false });
        expect(file.objectKey).toContain(`/${full.sn}/${flown.flightId}/`);
        const download = await fetch(file.downloadUrl);
        expect(download.status).toBe(200);
        const bytes = Buffer.from(await download.arrayBuffer());
        expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
        expect(bytes.length).toBe(file.sizeBytes);
        expect(createHash('md5').update(bytes).digest('hex')).toBe(file.fingerprint);
      }
      const ranged = await fetch(listing.files[0].downloadUrl, { headers: { Range: 'bytes=0-1' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8]));

      await eventually(
        async () => {
          const { body } = await get(`/flights/${shortFlown.flightId}/media`);
          expect(body).toMatchObject({
            status: 'incomplete',
            expected: 4,
            received: 3,
            missing: 1,
          });
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(full.snapshot().replies.missing).toEqual({});
    },
  );

  define(
    'conditional task: executed once the battery meets ready_conditions',
    'CONDITIONAL',
    async (ctx) => {
      // Below the threshold: the dock charges (3 %/min of simulated time) but needs ~15 s to
      // reach it on its own, so the task must wait for flighttask_ready.
      const dock = await ctx.dock({ ...FAST, battery: 5 });
      const wayline = await ctx.wayline();
      const now = Date.now();
      const created = await ctx.createTask(dock, wayline, {
        taskType: 'conditional',
        readyConditions: { batteryCapacity: 50, beginTime: now, endTime: now + 10 * MINUTE },
      });
      const prepared = await ctx.taskReaches(created.flightId, 'prepared', 20_000);
      expect(prepared.readyAt).toBeNull();
      expect(dock.snapshot().battery).toBeLessThan(50);
      dock.setBattery(95);
      const task = await expectCompleteFlight(ctx, dock, wayline, created.flightId);
      expect(task.readyAt).not.toBeNull();
      expectInOrder(states(task), ['prepared', 'ready', 'executing', 'in_progress', 'ok']);
      const flight = await ctx.apis.flight(created.flightId);
      expect(flight.readyAt).not.toBeNull();
      expect(dock.snapshot().counters.published['events:flighttask_ready']).toBeGreaterThanOrEqual(
        1,
      );
      // Execute came only after ready: the dock never had to refuse it.
      expect(dock.snapshot().counters.serviceResults).toEqual({
        'flighttask_prepare=0': 1,
        'flighttask_execute=0': 1,
      });
    },
  );

  define('pause during the wayline, then resume, flown to ok', 'PAUSE', async (ctx) => {
    const dock = await ctx.dock(STEADY);
    const wayline = await ctx.wayline();
    const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
    await ctx.taskAtStep(flightId, 21);
    const pause = await ctx.apis.pause(flightId);
    expect(pause).toMatchObject({ method: 'flighttask_pause', state: 'pending' });
    await eventually(
      async () => expect(await ctx.apis.command(pause.id)).toMatchObject({ state: 'accepted' }),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    const paused = await ctx.taskReaches(flightId, 'paused', 15_000);
    expect(dock.snapshot().phase).toBe('paused');
    // Telemetry shows the pause with its break point, and the dock keeps reporting it paused.
    await eventually(
      async () => {
        const timeline = await ctx.apis.timeline(flightId);
        const pausedReports = timeline.filter((report) => report.status === 'paused');
        expect(pausedReports.length).toBeGreaterThanOrEqual(3);
        expect(pausedReports[0].breakPoint).not.toBeNull();
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    const percentWhilePaused = paused.progress?.percent ?? 0;
    const resume = await ctx.apis.resume(flightId);
    expect(resume).toMatchObject({ method: 'flighttask_recovery' });
    await eventually(
      async () => expect(await ctx.apis.command(resume.id)).toMatchObject({ state: 'accepted' }),
      {
        timeoutMs: 15_000,
        intervalMs: 100,
      },
    );
    const task = await expectCompleteFlight(ctx, dock, wayline, flightId);
    expectInOrder(states(task), ['in_progress', 'paused', 'in_progress', 'ok']);
    expect(percentWhilePaused).toBeLessThan(100);
    expect(dock.snapshot().counters.serviceResults).toMatchObject({
      'flighttask_pause=0': 1,
      'flighttask_recovery=0': 1,
    });
  });

  define('cancel before start: flighttask_undo, the task never flies', 'CANCEL', async (ctx) => {
    const dock = await ctx.dock(FAST);
    const wayline = await ctx.wayline();
    const { flightId } = await ctx.createTask(dock, wayline, {
      taskType: 'timed',
      executeTime: Date.now() + 5 * MINUTE,
    });
    await ctx.taskReaches(flightId, 'prepared', 20_000);
    const outcome = await ctx.apis.cancel(dock.sn, [flightId]);
    expect(outcome).toMatchObject({ canceled: [], pending: [flightId] });
    expect(outcome.command).toMatchObject({ method: 'flighttask_undo' });
    const task = await ctx.taskReaches(flightId, 'canceled', 20_000);
    expect(causes(await ctx.apis.task(flightId))).toContain('canceled_by_operator');
    expect(task.progress).toBeNull();
    expect(await ctx.apis.command(outcome.command?.id ?? '')).toMatchObject({ state: 'accepted' });
    expect(dock.snapshot().tasks).toEqual([expect.objectContaining({ flightId, state: 'undone' })]);
    expect(dock.snapshot().counters.servicesReceived.flighttask_execute).toBeUndefined();
    // Nothing flew, so telemetry has no flight.
    expect((await ctx.apis.raw('telemetry', `/flights/${flightId}`)).status).toBe(404);
  });

  define(
    'return home and its cancel mid-wayline, with the RTH trajectory as GeoJSON',
    'RTH',
    async (ctx) => {
      // 10x and 20 waypoints: the flight home (step 22) takes ~7 s, time enough to cancel it.
      const dock = await ctx.dock({ ...STEADY, speed: 10, waypoints: 20 });
      const wayline = await ctx.wayline();
      const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
      await ctx.taskAtStep(flightId, 21);

      const rth = await ctx.apis.returnHome(dock.sn);
      expect(rth).toMatchObject({ method: 'return_home', gatewaySn: dock.sn });
      await eventually(
        async () =>
          expect(await ctx.apis.command(rth.id)).toMatchObject({
            state: 'accepted',
            result: { code: 0 },
          }),
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(['returning', 'hovering']).toContain(dock.snapshot().phase);
      const cancel = await ctx.apis.cancelReturnHome(dock.sn);
      await eventually(
        async () => expect(await ctx.apis.command(cancel.id)).toMatchObject({ state: 'accepted' }),
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(dock.snapshot().phase).toBe('hovering');

      // The planned path home, as a GeoJSON LineString of [lon, lat, height].
      const feature = await eventually(
        async () => {
          const found = await ctx.apis.rthTrajectory(flightId);
          expect(found).toMatchObject({
            type: 'Feature',
            geometry: { type: 'LineString' },
            properties: { flightId, gatewaySn: dock.sn },
          });
          return found;
        },
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      const coordinates = feature.geometry.coordinates as number[][];
      expect(coordinates.length).toBeGreaterThanOrEqual(2);
      for (const [lon, lat, height] of coordinates) {
        expect(lon).toBeCloseTo(121.66, 1);
        expect(lat).toBeCloseTo(29.92, 1);
        expect(typeof height).toBe('number');
      }
      const dockState = await ctx.apis.dock(dock.sn);
      expect(dockState.lastRthFlightId).toBe(flightId);

      // Home for good: the task ends failed with 322283 (user-triggered RTH), as a Dock 3 does.
      const again = await ctx.apis.returnHome(dock.sn);
      await eventually(
        async () => expect(await ctx.apis.command(again.id)).toMatchObject({ state: 'accepted' }),
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      const task = await ctx.taskReaches(flightId, 'failed', 60_000);
      expect(task.result.code).toBe(322283);
      expect(task.progress?.breakPoint).not.toBeNull();
      await eventually(
        async () =>
          expect((await ctx.apis.flight(flightId)).latest).toMatchObject({
            status: 'failed',
            final: true,
            result: 322283,
          }),
        { timeoutMs: 15_000, intervalMs: 200 },
      );
      expect(dock.snapshot().counters.serviceResults).toMatchObject({
        'return_home=0': 2,
        'return_home_cancel=0': 1,
      });
      expect(dock.snapshot().replies.missing).toEqual({});
    },
  );

  define('dock refuses the prepare: the task is rejected with its code', 'REFPREP', async (ctx) => {
    const dock = await ctx.dock({ ...FAST, replyCodes: { flighttask_prepare: { code: 314003 } } });
    const wayline = await ctx.wayline();
    const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
    const task = await ctx.taskReaches(flightId, 'rejected', 30_000);
    expect(task.result.code).toBe(314003);
    expect(task.result.meaning).toEqual(expect.any(String));
    expect(causes(await ctx.apis.task(flightId))).toContain('prepare_refused');
    expect(dock.snapshot().counters.servicesReceived).toEqual({ flighttask_prepare: 1 });
  });

  define(
    'dock refuses the execute (battery below 30 %): rejected with 316009',
    'REFEXEC',
    async (ctx) => {
      // The dock's own rule, not a scripted code; at 1x it would take minutes to charge.
      const dock = await ctx.dock({ ...FAST, speed: 1, battery: 10 });
      const wayline = await ctx.wayline();
      const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
      const task = await ctx.taskReaches(flightId, 'rejected', 30_000);
      expect(task.result.code).toBe(316009);
      expectInOrder(states(await ctx.apis.task(flightId)), ['prepared', 'executing', 'rejected']);
      expect(dock.snapshot().counters.serviceResults).toEqual({
        'flighttask_prepare=0': 1,
        'flighttask_execute=316009': 1,
      });
    },
  );

  define(
    'dock busy (retryable code) on the first execute: retried, then flown to ok',
    'RETRY',
    async (ctx) => {
      const dock = await ctx.dock({
        ...FAST,
        replyCodes: { flighttask_execute: { code: 319001, times: 1 } },
      });
      const wayline = await ctx.wayline();
      const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
      const task = await expectCompleteFlight(ctx, dock, wayline, flightId);
      expect(causes(task)).toContain('execute_refused: retry');
      expect(dock.snapshot().counters.serviceResults).toEqual({
        'flighttask_prepare=0': 1,
        'flighttask_execute=319001': 1,
        'flighttask_execute=0': 1,
      });
    },
  );

  define('dock refuses the pause: the task flies on to ok', 'REFPAUSE', async (ctx) => {
    const dock = await ctx.dock({ ...STEADY, replyCodes: { flighttask_pause: { code: 319046 } } });
    const wayline = await ctx.wayline();
    const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
    await ctx.taskAtStep(flightId, 21);
    const pause = await ctx.apis.pause(flightId);
    const answered = await eventually(
      async () => {
        const command = await ctx.apis.command(pause.id);
        expect(command).toMatchObject({ state: 'refused', result: { code: 319046 } });
        return command;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(answered.result.meaning).toEqual(expect.any(String));
    // The refusal leaves the task as it was (the history records state changes only).
    const task = await expectCompleteFlight(ctx, dock, wayline, flightId);
    expect(states(task)).not.toContain('paused');
    expect(dock.snapshot().counters.serviceResults).toMatchObject({ 'flighttask_pause=319046': 1 });
  });

  define('return_home with the aircraft in the dock is refused (314000)', 'REFRTH', async (ctx) => {
    const dock = await ctx.dock(FAST);
    const command = await ctx.apis.returnHome(dock.sn);
    await eventually(
      async () =>
        expect(await ctx.apis.command(command.id)).toMatchObject({
          state: 'refused',
          result: { code: 314000 },
        }),
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(dock.snapshot().counters.serviceResults).toEqual({ 'return_home=314000': 1 });
  });

  define(
    'a prepare the dock never answers: gateway timeouts, retries, then the task fails',
    'NOREPLY',
    async (ctx) => {
      const dock = await ctx.dock({ ...FAST, neverReply: ['flighttask_prepare'] });
      const wayline = await ctx.wayline();
      const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
      const attempts = scenarioTimings.retryMaxAttempts;
      const task = await ctx.taskReaches(
        flightId,
        'failed',
        attempts * scenarioTimings.commandTimeoutMs + 30_000,
      );
      const taskCauses = causes(await ctx.apis.task(flightId));
      expect(taskCauses.filter((cause) => cause === 'prepare_timeout: retry')).toHaveLength(
        attempts - 1,
      );
      expect(task.lastCause).toBe('prepare_timeout: attempts_exhausted');
      expect(dock.snapshot().counters.servicesReceived).toEqual({ flighttask_prepare: attempts });
      expect(dock.snapshot().counters.servicesLost).toBe(attempts);
    },
    120_000,
  );

  define(
    'a pause the dock never answers: the command times out, the task flies on to ok',
    'NOPAUSE',
    async (ctx) => {
      // ~30 s of flight: longer than the command timeout (5 s), so the task is still running.
      const dock = await ctx.dock({ ...STEADY, neverReply: ['flighttask_pause'] });
      const wayline = await ctx.wayline();
      const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
      await ctx.taskAtStep(flightId, 21);
      const pause = await ctx.apis.pause(flightId);
      await eventually(
        async () =>
          expect(await ctx.apis.command(pause.id)).toMatchObject({
            state: 'timeout',
            result: { code: null },
          }),
        { timeoutMs: scenarioTimings.commandTimeoutMs + 15_000, intervalMs: 200 },
      );
      const task = await expectCompleteFlight(ctx, dock, wayline, flightId);
      expect(states(task)).not.toContain('paused');
      expect(dock.snapshot().counters.servicesLost).toBe(1);
    },
  );

  define(
    'a dock that goes offline mid-task and comes back: progress resumes, the task ends ok',
    'OFFLINE',
    async (ctx) => {
      // Offline from 3.5 s after execute (in the wayline, after the KMZ download) for 3 s.
      const dock = await ctx.dock({
        ...STEADY,
        waypoints: 8,
        offline: { afterMs: 3_500, reconnectAfterMs: 3_000 },
      });
      const wayline = await ctx.wayline();
      const { flightId } = await ctx.createTask(dock, wayline, { taskType: 'immediate' });
      // While it is away the task is still running as far as the mission service knows.
      await eventually(() => expect(dock.snapshot().counters.disconnects).toBe(1), {
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      expect(dock.snapshot().online).toBe(false);
      const during = await ctx.apis.task(flightId);
      expect(during.state).toBe('in_progress');
      const percentBefore = during.progress?.percent ?? 0;

      await expectCompleteFlight(ctx, dock, wayline, flightId);
      const snapshot = dock.snapshot();
      expect(snapshot.counters).toMatchObject({ connects: 2, disconnects: 1 });
      expect(snapshot.counters.droppedOffline).toBeGreaterThan(0);
      // The timeline has the gap of the outage, and reports after it carry on further along.
      const timeline = await ctx.apis.timeline(flightId);
      const times = timeline.map((report) => Date.parse(report.reportedAt));
      const gaps = times.slice(1).map((time, i) => ({ gap: time - times[i], index: i + 1 }));
      const outage = gaps.reduce((widest, gap) => (gap.gap > widest.gap ? gap : widest));
      expect(outage.gap).toBeGreaterThanOrEqual(2_000);
      const after = timeline.slice(outage.index);
      expect(after.length).toBeGreaterThan(3);
      expect(after[0].percent ?? 0).toBeGreaterThan(percentBefore);
      // The dock announced itself again when it came back.
      expect(snapshot.counters.published['status:update_topo']).toBe(2);
    },
  );
}
