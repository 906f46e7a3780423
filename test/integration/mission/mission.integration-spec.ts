// The mission service against real PostgreSQL, Kafka and Redis: two replicas in process on one
// schema, a clock the test moves, and the test playing the gateway and the docks on topics of
// its own. Run: npx jest --selectProjects integration -- test/integration/mission
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { RunningService, undocumentedRoutes } from '@dock/platform';
import { eventually } from '../../support/eventually';
import {
  Api,
  FakeGateway,
  ManualClock,
  MissionWorld,
  startMissionWorld,
  TEST_WAYLINE as WAYLINE,
  UNKNOWN_WAYLINE,
} from './mission-harness';

jest.setTimeout(120_000);

const MINUTE = 60_000;
const SLOW = { timeoutMs: 20_000, intervalMs: 100 };

type Json = Record<string, unknown>;

describe('mission service (integration)', () => {
  let world: MissionWorld;
  let clock: ManualClock;
  let gateway: FakeGateway;
  let apiA: Api;
  let apiB: Api;
  let replicas: RunningService[];

  const sn = (name: string) => world.sn(name);
  const create = (body: Json, api?: Api) => world.create(body, api);
  const task = (flightId: string, api?: Api) => world.task(flightId, api);
  const waitState = (flightId: string, state: string) => world.waitState(flightId, state);

  beforeAll(async () => {
    world = await startMissionWorld('m');
    ({ clock, gateway, apiA, apiB, replicas } = world);
  });

  afterAll(async () => {
    await world?.stop();
  });

  function statesOf(flightId: string): string[] {
    return gateway.eventsFor(flightId).map((e) => e.state);
  }

  it('is ready with PostgreSQL, Kafka and Redis, and refuses anonymous calls', async () => {
    const ready = await apiA.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    const anonymous = await new Api(`http://127.0.0.1:${replicas[0].port}`, null).call(
      'GET',
      '/tasks',
    );
    expect(anonymous.status).toBe(401);
    const docs = await apiA.call<Json>('GET', '/docs/openapi.json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths as Json)).toEqual(
      expect.arrayContaining([
        '/tasks',
        '/tasks/{flightId}',
        '/docks/{gatewaySn}/tasks/cancel',
        '/plans',
      ]),
    );
  });

  it('documents every route it serves, as committed in docs/openapi/mission.json', async () => {
    const document = (await apiA.call<OpenAPIObject>('GET', '/docs/openapi.json')).body;
    expect(undocumentedRoutes(replicas[0].app, document)).toEqual([]);
    const snapshot = path.resolve(__dirname, '../../../docs/openapi/mission.json');
    const served = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') {
      await mkdir(path.dirname(snapshot), { recursive: true });
      await writeFile(snapshot, served);
    }
    // Regenerate with: UPDATE_OPENAPI=1 npx jest --selectProjects integration -- test/integration/mission
    expect(served).toBe(await readFile(snapshot, 'utf8'));
  });

  it('answers 400 naming each invalid field', async () => {
    const response = await apiA.call<Json>('POST', '/tasks', {
      name: '',
      gatewaySn: 'bad/sn',
      waylineId: 'nope',
      taskType: 'timed',
      rthAltitude: 10,
      exitWaylineWhenRcLost: 1,
    });
    expect(response.status).toBe(400);
    const fields = (response.body.problems as { field: string }[]).map((p) => p.field).sort();
    expect(fields).toEqual(['executeTime', 'gatewaySn', 'name', 'rthAltitude', 'waylineId']);
    const tooSoon = await apiA.call<Json>('POST', '/tasks', {
      name: 'x',
      gatewaySn: sn('soon'),
      waylineId: WAYLINE,
      taskType: 'timed',
      executeTime: clock.now() + MINUTE,
      rthAltitude: 100,
      exitWaylineWhenRcLost: 1,
    });
    expect(tooSoon.status).toBe(400);
    expect(tooSoon.body.message).toMatch(/executeTime: must be at least 120 s ahead/);
    const unknownWayline = await apiA.call<Json>('POST', '/tasks', {
      name: 'x',
      gatewaySn: sn('soon'),
      waylineId: UNKNOWN_WAYLINE,
      taskType: 'immediate',
      rthAltitude: 100,
      exitWaylineWhenRcLost: 1,
    });
    expect(unknownWayline.status).toBe(400);
    expect(unknownWayline.body.message).toMatch(/waylineId: wayline .* is not available/);
  });

  it('immediate task: prepare, execute at once, progress to ok; every change published', async () => {
    const dock = sn('imm');
    const flightId = await create({ gatewaySn: dock, taskType: 'immediate' });
    await waitState(flightId, 'in_progress');
    const [prepare] = gateway.commandsFor(dock, 'flighttask_prepare');
    expect(prepare.data).toMatchObject({
      flight_id: flightId,
      task_type: 0,
      execute_time: expect.any(Number),
      rth_altitude: 100,
      file: {
        url: expect.stringContaining(WAYLINE),
        fingerprint: '0123456789abcdef0123456789abcdef',
      },
    });
    expect(gateway.commandsFor(dock, 'flighttask_execute')).toHaveLength(1);
    await gateway.progress(dock, flightId, 'in_progress', 40, clock.now() + 1);
    await gateway.progress(dock, flightId, 'ok', 100, clock.now() + 2, {
      ext: { media_count: 12 },
    });
    const done = await waitState(flightId, 'ok');
    expect(done.result).toEqual({ code: 0, meaning: 'success' });
    expect(done.progress).toMatchObject({
      status: 'ok',
      percent: 100,
      mediaCount: 12,
      waypointIndex: 10,
    });
    expect((done.history as Json[]).map((h) => h.to)).toEqual([
      'scheduled',
      'preparing',
      'prepared',
      'executing',
      'in_progress',
      'ok',
    ]);
    await eventually(
      () =>
        expect(statesOf(flightId)).toEqual([
          'scheduled',
          'preparing',
          'prepared',
          'executing',
          'in_progress',
          'ok',
        ]),
      SLOW,
    );
    expect(gateway.eventsFor(flightId).map((e) => e.version)).toEqual([0, 1, 2, 3, 4, 6]);
  });

  it('timed task: prepared at the lead time, executed at execute_time, ends partially done', async () => {
    const dock = sn('timed');
    const executeTime = clock.now() + 30 * MINUTE;
    const flightId = await create({ gatewaySn: dock, taskType: 'timed', executeTime });
    expect((await task(flightId)).state).toBe('scheduled');
    clock.set(executeTime - 10 * MINUTE - 1);
    await new Promise((resolve) => setTimeout(resolve, 400)); // a few scheduler rounds
    expect(gateway.commandsFor(dock)).toHaveLength(0);
    clock.set(executeTime - 10 * MINUTE);
    await waitState(flightId, 'prepared');
    expect(gateway.commandsFor(dock, 'flighttask_prepare')[0].data).toMatchObject({
      task_type: 1,
      execute_time: executeTime,
    });
    expect(gateway.commandsFor(dock, 'flighttask_execute')).toHaveLength(0);
    clock.set(executeTime);
    await waitState(flightId, 'in_progress');
    await gateway.progress(dock, flightId, 'partially_done', 70, executeTime + 5, { result: 0 });
    await waitState(flightId, 'partially_done');
  });

  it('conditional task: executes only after flighttask_ready, fails with the code, resumes from its break point', async () => {
    const dock = sn('cond');
    const begin = clock.now() + 5 * MINUTE;
    const flightId = await create({
      gatewaySn: dock,
      taskType: 'conditional',
      readyConditions: { batteryCapacity: 80, beginTime: begin, endTime: begin + 60 * MINUTE },
    });
    await waitState(flightId, 'prepared');
    expect(gateway.commandsFor(dock, 'flighttask_prepare')[0].data).toMatchObject({
      task_type: 2,
      ready_conditions: { battery_capacity: 80, begin_time: begin, end_time: begin + 60 * MINUTE },
    });
    clock.set(begin + MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(gateway.commandsFor(dock, 'flighttask_execute')).toHaveLength(0);
    await gateway.ready(dock, [flightId, 'someone-else'], clock.now());
    await waitState(flightId, 'in_progress');
    const breakPoint = { index: 4, state: 0, progress: 0.4, wayline_id: 0, break_reason: 1283 };
    await gateway.progress(dock, flightId, 'failed', 45, clock.now() + 10, {
      result: 322283,
      ext: { break_point: breakPoint },
    });
    const failed = await waitState(flightId, 'failed');
    expect(failed.result).toEqual({ code: 322283, meaning: 'user triggered return to home' });

    const resumed = await apiB.call<Json>('POST', `/tasks/${flightId}/resume-from-breakpoint`, {});
    expect(resumed.status).toBe(201);
    expect(resumed.body).toMatchObject({
      resumedFrom: flightId,
      taskType: 'immediate',
      breakPoint: { index: 4, state: 0, progress: 0.4, waylineId: 0 },
    });
    const resumedId = resumed.body.flightId as string;
    await waitState(resumedId, 'in_progress');
    const prepare = gateway
      .commandsFor(dock, 'flighttask_prepare')
      .find((c) => (c.data as Json).flight_id === resumedId);
    expect((prepare?.data as Json).break_point).toEqual({
      index: 4,
      state: 0,
      progress: 0.4,
      wayline_id: 0,
    });
  });

  it('conditional task that never becomes ready times out after end_time', async () => {
    const dock = sn('expire');
    const begin = clock.now() + 3 * MINUTE;
    const flightId = await create({
      gatewaySn: dock,
      taskType: 'conditional',
      readyConditions: { batteryCapacity: 50, beginTime: begin, endTime: begin + 10 * MINUTE },
    });
    await waitState(flightId, 'prepared');
    clock.set(begin + 10 * MINUTE + 2);
    const expired = await waitState(flightId, 'timeout');
    expect(expired.lastCause).toBe('ready_window_expired');
    // A late notice changes nothing.
    await gateway.ready(dock, [flightId], clock.now());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await task(flightId)).state).toBe('timeout');
    expect(gateway.commandsFor(dock, 'flighttask_execute')).toHaveLength(0);
  });

  it('a dock that refuses with a retryable code is retried with backoff, then accepts', async () => {
    const dock = sn('busy');
    let refusals = 0;
    gateway.script(dock, (command) => {
      if (command.method === 'flighttask_prepare' && refusals < 2) {
        refusals += 1;
        return 319001;
      }
      return 0;
    });
    const flightId = await create({ gatewaySn: dock, taskType: 'immediate' });
    const refused = await eventually(async () => {
      const current = await task(flightId);
      expect(current).toMatchObject({
        state: 'scheduled',
        attempts: 1,
        result: { code: 319001, meaning: 'dock busy' },
      });
      return current;
    }, SLOW);
    expect(refused.nextActionAt).toBe(clock.now() + 1_000);
    clock.advance(1_000);
    await eventually(
      async () => expect(await task(flightId)).toMatchObject({ state: 'scheduled', attempts: 2 }),
      SLOW,
    );
    clock.advance(2_000);
    const running = await waitState(flightId, 'in_progress');
    expect(gateway.commandsFor(dock, 'flighttask_prepare')).toHaveLength(3);
    expect((running.history as Json[]).map((h) => h.cause)).toEqual([
      'created',
      'prepare_sent',
      'prepare_refused: retry',
      'prepare_retry_sent',
      'prepare_refused: retry',
      'prepare_retry_sent',
      'prepare_accepted',
      'execute_sent',
      'execute_accepted',
    ]);
  });

  it('a refusal that retrying cannot fix rejects the task with the code', async () => {
    const dock = sn('md5');
    gateway.script(dock, (command) => (command.method === 'flighttask_prepare' ? 314005 : 0));
    const flightId = await create({ gatewaySn: dock, taskType: 'immediate' });
    const rejected = await waitState(flightId, 'rejected');
    expect(rejected.result).toEqual({ code: 314005, meaning: 'wayline MD5 check failed' });
  });

  it('cancels tasks of one dock in one call: locally before prepare, by flighttask_undo after', async () => {
    const dock = sn('cancel');
    const soon = clock.now() + 5 * MINUTE; // inside the lead: prepared at once
    const later = clock.now() + 5 * 60 * MINUTE; // far: not prepared yet
    const prepared1 = await create({ gatewaySn: dock, taskType: 'timed', executeTime: soon });
    const prepared2 = await create({
      gatewaySn: dock,
      taskType: 'timed',
      executeTime: soon + MINUTE,
    });
    const scheduled = await create({ gatewaySn: dock, taskType: 'timed', executeTime: later });
    await waitState(prepared1, 'prepared');
    await waitState(prepared2, 'prepared');
    gateway.script(dock, () => null); // the dock keeps the undo pending until we answer
    const response = await apiB.call<Json>('POST', `/docks/${dock}/tasks/cancel`, {
      flightIds: [prepared1, prepared2, scheduled],
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      canceled: [scheduled],
      pending: [prepared1, prepared2],
      command: { method: 'flighttask_undo', state: 'pending' },
    });
    expect((await task(scheduled)).state).toBe('canceled');
    const undo = await eventually(() => {
      const [command] = gateway.commandsFor(dock, 'flighttask_undo');
      expect(command.data).toEqual({ flight_ids: [prepared1, prepared2] });
      return command;
    }, SLOW);
    // Time passes while the undo is pending: the scheduler leaves the tasks alone.
    clock.advance(7 * MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(gateway.commandsFor(dock, 'flighttask_execute')).toHaveLength(0);
    await gateway.reply(undo, 0);
    await waitState(prepared1, 'canceled');
    await waitState(prepared2, 'canceled');
    const command = await apiA.call<Json>('GET', `/commands/${undo.correlationId}`);
    expect(command.body).toMatchObject({ state: 'accepted', result: { code: 0 } });
  });

  it('refuses illegal transitions with 409; pause and resume follow the dock', async () => {
    const dock = sn('pause');
    const flightId = await create({ gatewaySn: dock, taskType: 'immediate' });
    await waitState(flightId, 'in_progress');
    const cancel = await apiA.call<Json>('POST', `/docks/${dock}/tasks/cancel`, {
      flightIds: [flightId],
    });
    expect(cancel.status).toBe(409);
    expect(cancel.body.message).toMatch(
      /canceling \(the task has started\) is not allowed in state in_progress/,
    );
    expect((await apiA.call('POST', `/tasks/${flightId}/resume`)).status).toBe(409);
    expect((await apiA.call('POST', `/tasks/${flightId}/resume-from-breakpoint`, {})).status).toBe(
      409,
    );

    gateway.script(dock, (command) => (command.method === 'flighttask_pause' ? 319046 : 0));
    const refusedPause = await apiB.call<Json>('POST', `/tasks/${flightId}/pause`);
    expect(refusedPause.status).toBe(202);
    expect(refusedPause.body).toMatchObject({ state: 'pending', method: 'flighttask_pause' });
    await eventually(async () => {
      const command = await apiA.call<Json>('GET', `/commands/${refusedPause.body.id as string}`);
      expect(command.body).toMatchObject({
        state: 'refused',
        result: { code: 319046, meaning: 'cannot pause: not in a wayline' },
      });
    }, SLOW);
    expect(await task(flightId)).toMatchObject({ state: 'in_progress', result: { code: 319046 } });

    gateway.script(dock, () => 0);
    expect((await apiA.call('POST', `/tasks/${flightId}/pause`)).status).toBe(202);
    await waitState(flightId, 'paused');
    expect((await apiA.call('POST', `/tasks/${flightId}/pause`)).status).toBe(409);
    expect((await apiA.call('POST', `/tasks/${flightId}/resume`)).status).toBe(202);
    await waitState(flightId, 'in_progress');
    await gateway.progress(dock, flightId, 'canceled', 60, clock.now() + 100);
    await waitState(flightId, 'canceled');
    expect((await apiA.call('POST', `/tasks/${flightId}/pause`)).status).toBe(409);
    expect((await apiA.call('POST', '/tasks/nope/pause')).status).toBe(404);
  });

  it('duplicate and out-of-order progress do no harm; a final task stays final', async () => {
    const dock = sn('order');
    const flightId = await create({ gatewaySn: dock, taskType: 'immediate' });
    await waitState(flightId, 'in_progress');
    const t = clock.now();
    await gateway.progress(dock, flightId, 'in_progress', 50, t + 10);
    await gateway.progress(dock, flightId, 'in_progress', 50, t + 10); // duplicate
    await gateway.progress(dock, flightId, 'paused', 30, t + 5); // older, overtaken
    await eventually(
      async () =>
        expect((await task(flightId)).progress).toMatchObject({ percent: 50, reportedAt: t + 10 }),
      SLOW,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await task(flightId)).toMatchObject({
      state: 'in_progress',
      progress: { status: 'in_progress', percent: 50 },
    });
    await gateway.progress(dock, flightId, 'ok', 100, t + 20);
    await waitState(flightId, 'ok');
    await gateway.progress(dock, flightId, 'in_progress', 90, t + 30); // late, after the end
    await gateway.progress(dock, flightId, 'ok', 100, t + 20); // redelivered
    await new Promise((resolve) => setTimeout(resolve, 300));
    const final = await task(flightId);
    expect(final.state).toBe('ok');
    expect((final.history as Json[]).filter((h) => h.to === 'ok')).toHaveLength(1);
    expect(statesOf(flightId).filter((s) => s === 'ok')).toHaveLength(1);
  });

  it("one task at a time per dock: the next waits in the dock's queue; a missed window fails", async () => {
    const dock = sn('queue');
    const first = await create({ gatewaySn: dock, taskType: 'immediate' });
    await waitState(first, 'in_progress');
    const second = await create({ gatewaySn: dock, taskType: 'immediate' }, apiB);
    const third = await create({ gatewaySn: dock, taskType: 'immediate' }, apiB);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await task(second)).toMatchObject({ state: 'scheduled' });
    await gateway.progress(dock, first, 'ok', 100, clock.now() + 1);
    await waitState(second, 'in_progress');
    expect((await task(third)).state).toBe('scheduled');
    // The third waits behind the second longer than an immediate task may wait.
    clock.advance(10 * MINUTE + 1);
    const failed = await waitState(third, 'failed');
    expect(failed.lastCause).toBe('window_passed');
    expect(
      gateway.commandsFor(dock, 'flighttask_prepare').map((c) => (c.data as Json).flight_id),
    ).toEqual([first, second]);
  });

  it('two replicas never dispatch one task twice', async () => {
    const docks = Array.from({ length: 12 }, (_, i) => sn(`race${i}`));
    const flightIds = await Promise.all(
      docks.map((dock, i) =>
        create({ gatewaySn: dock, taskType: 'immediate' }, i % 2 ? apiA : apiB),
      ),
    );
    for (const flightId of flightIds) await waitState(flightId, 'in_progress');
    for (const [i, dock] of docks.entries()) {
      const prepares = gateway.commandsFor(dock, 'flighttask_prepare');
      const executes = gateway.commandsFor(dock, 'flighttask_execute');
      expect(prepares.map((c) => (c.data as Json).flight_id)).toEqual([flightIds[i]]);
      expect(executes).toHaveLength(1);
    }
  });

  it('return home and its cancel are commands of a dock, answered asynchronously', async () => {
    const dock = sn('rth');
    gateway.script(dock, (command) => (command.method === 'return_home_cancel' ? 319043 : 0));
    const home = await apiA.call<Json>('POST', `/docks/${dock}/return-home`);
    expect(home.status).toBe(202);
    expect(home.body).toMatchObject({ method: 'return_home', state: 'pending', gatewaySn: dock });
    const cancel = await apiB.call<Json>('POST', `/docks/${dock}/return-home/cancel`);
    await eventually(async () => {
      expect((await apiA.call<Json>('GET', `/commands/${home.body.id as string}`)).body.state).toBe(
        'accepted',
      );
      expect(
        (await apiA.call<Json>('GET', `/commands/${cancel.body.id as string}`)).body,
      ).toMatchObject({
        state: 'refused',
        result: { code: 319043, meaning: 'RTH cancel failed' },
      });
    }, SLOW);
  });

  it('lists tasks with filters and paging', async () => {
    const dock = sn('timed');
    const all = await apiA.call<Json>('GET', `/tasks?gatewaySn=${dock}`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(1);
    const byState = await apiA.call<Json>('GET', '/tasks?state=ok,partially_done&limit=1');
    expect(byState.body.limit).toBe(1);
    expect(
      (byState.body.items as Json[]).every((t) =>
        ['ok', 'partially_done'].includes(t.state as string),
      ),
    ).toBe(true);
    expect(byState.body.total as number).toBeGreaterThanOrEqual(3);
    const bad = await apiA.call<Json>('GET', '/tasks?state=flying&limit=0');
    expect(bad.status).toBe(400);
    expect((bad.body.problems as { field: string }[]).map((p) => p.field).sort()).toEqual([
      'limit',
      'state.0',
    ]);
  });

  it('recurring plan: tasks at 09:00 Berlin across the autumn DST change; pausing stops them', async () => {
    clock.set(Date.UTC(2026, 9, 23, 0, 0));
    const dock = sn('plan');
    const created = await apiA.call<Json>('POST', '/plans', {
      name: 'morning round',
      gatewaySn: dock,
      waylineId: WAYLINE,
      cron: '0 9 * * *',
      timeZone: 'Europe/Berlin',
      endsAt: Date.UTC(2026, 9, 27),
      rthAltitude: 120,
      exitWaylineWhenRcLost: 1,
    });
    expect(created.status).toBe(201);
    const planId = created.body.id as string;
    const tasks = await eventually(async () => {
      const page = await apiB.call<Json>('GET', `/tasks?planId=${planId}`);
      expect(page.body.total).toBe(4);
      return page.body.items as Json[];
    }, SLOW);
    expect(tasks.map((t) => new Date(t.executeTime as number).toISOString()).sort()).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
    const badZone = await apiA.call<Json>('POST', '/plans', {
      name: 'x',
      gatewaySn: dock,
      waylineId: WAYLINE,
      cron: '0 9 * * *',
      timeZone: 'Europe/Atlantis',
      endsAt: Date.UTC(2026, 9, 27),
      rthAltitude: 120,
      exitWaylineWhenRcLost: 1,
    });
    expect(badZone.status).toBe(400);
    expect(badZone.body.problems).toEqual([
      { field: 'timeZone', problem: expect.stringMatching(/unknown IANA/) },
    ]);

    // The first occurrence is prepared 10 min ahead; then the plan is paused.
    clock.set(Date.UTC(2026, 9, 23, 6, 50));
    const firstId = tasks.find((t) => t.executeTime === Date.UTC(2026, 9, 23, 7))
      ?.flightId as string;
    await waitState(firstId, 'prepared');
    gateway.script(dock, () => 0);
    const paused = await apiA.call<Json>('POST', `/plans/${planId}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.state).toBe('paused');
    await waitState(firstId, 'canceled'); // flighttask_undo accepted
    const page = await apiA.call<Json>('GET', `/tasks?planId=${planId}&state=canceled`);
    expect(page.body.total).toBe(4);
    expect(gateway.commandsFor(dock, 'flighttask_undo')).toHaveLength(1);
    expect((await apiA.call('DELETE', `/plans/${planId}`)).status).toBe(200);
    expect((await apiA.call('POST', `/plans/${planId}/resume`)).status).toBe(409);
  });
});
