// Organizations in the mission service (issue 14) against real PostgreSQL, Kafka and Redis: two
// organizations do not see each other's tasks, plans or commands, the task events say whose
// task it is, and rows written before organizations existed belong to the default one.
// Run: npx jest --selectProjects integration --runInBand -- test/integration/mission/organization
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_ORGANIZATION_ID, KAFKA_TOPICS } from '@dock/contracts';
import { createLogger, createPostgresDataSource, RunningService } from '@dock/platform';
import { AsyncApiContract } from '../../support/asyncapi-contract';
import { CreateMissionSchema1732100000000 } from '../../../apps/mission/src/adapters/postgres/migrations/1732100000000-create-mission-schema';
import { IndexInFlightTasks1746352800000 } from '../../../apps/mission/src/adapters/postgres/migrations/1746352800000-index-in-flight-tasks';
import { TestApiTokens } from '../../support/api-tokens';
import { eventually } from '../../support/eventually';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import {
  Api,
  API_TOKEN,
  MissionWorld,
  startMissionWorld,
  startReplica,
  TEST_WAYLINE,
  UNKNOWN_WAYLINE,
} from './mission-harness';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
type Json = Record<string, unknown>;

describe('mission service: organization scope (integration)', () => {
  let world: MissionWorld;
  const orgA = uniqueName('org-a');
  const orgB = uniqueName('org-b');
  const tokens = new TestApiTokens([orgA, orgB]);
  let url: string;
  /** Each with its organization's token, no header: the organization comes from the token. */
  let apiA: Api;
  let apiB: Api;
  let apiDefault: Api;

  beforeAll(async () => {
    world = await startMissionWorld('org', { tokens });
    url = `http://127.0.0.1:${world.replicas[0].port}`;
    apiA = new Api(url, tokens.of(orgA));
    apiB = new Api(`http://127.0.0.1:${world.replicas[1].port}`, tokens.of(orgB));
    apiDefault = new Api(url, API_TOKEN);
  });

  afterAll(async () => {
    await world?.stop();
  });

  /** A plan at 09:00 Berlin for five days: 21 h after the test clock's time, then daily. */
  const dailyPlan = (dock: string) => ({
    name: 'round',
    gatewaySn: dock,
    waylineId: TEST_WAYLINE,
    cron: '0 9 * * *',
    timeZone: 'Europe/Berlin',
    endsAt: world.clock.now() + 5 * 24 * HOUR,
    rthAltitude: 120,
    exitWaylineWhenRcLost: 1,
  });

  const timedTask = (dock: string) => ({
    gatewaySn: dock,
    taskType: 'timed',
    executeTime: world.clock.now() + 2 * HOUR,
  });

  it("keeps each organization's tasks to itself: list, get, commands, cancel", async () => {
    const dock = world.sn('dock-a');
    await world.bindDock(dock, orgA);
    const flightId = await world.create(timedTask(dock), apiA);
    expect((await apiA.call<Json>('GET', `/tasks/${flightId}`)).status).toBe(200);

    const listA = await apiA.call<{ items: Json[]; total: number }>(
      'GET',
      `/tasks?gatewaySn=${dock}`,
    );
    expect(listA.body.items.map((t) => t.flightId)).toEqual([flightId]);
    for (const other of [apiB, apiDefault]) {
      const list = await other.call<{ items: Json[]; total: number }>(
        'GET',
        `/tasks?gatewaySn=${dock}`,
      );
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ items: [], total: 0 });
    }

    // Another organization's task answers exactly as an unknown one does.
    const unknownId = randomUUID();
    const asked = [
      ['GET', ''],
      ['POST', '/pause'],
      ['POST', '/resume'],
      ['POST', '/resume-from-breakpoint'],
    ] as const;
    for (const [method, suffix] of asked) {
      const foreign = await apiB.call<Json>(method, `/tasks/${flightId}${suffix}`);
      const unknown = await apiB.call<Json>(method, `/tasks/${unknownId}${suffix}`);
      expect(foreign.status).toBe(404);
      expect({ ...foreign.body, message: undefined }).toEqual({
        ...unknown.body,
        message: undefined,
      });
      expect(foreign.body.message).toBe(String(unknown.body.message).replace(unknownId, flightId));
    }
    const foreignCancel = await apiB.call<Json>('POST', `/docks/${dock}/tasks/cancel`, {
      flightIds: [flightId],
    });
    expect(foreignCancel.status).toBe(404);
    expect(foreignCancel.body.code).toBe('not_found');

    // Nothing changed for its own organization, which can still cancel it.
    expect((await apiA.call<Json>('GET', `/tasks/${flightId}`)).body.state).toBe('scheduled');
    const cancel = await apiA.call<Json>('POST', `/docks/${dock}/tasks/cancel`, {
      flightIds: [flightId],
    });
    expect(cancel.status).toBe(202);
    expect(cancel.body.canceled).toEqual([flightId]);
  });

  it("keeps each organization's commands to itself", async () => {
    const dock = world.sn('dock-home');
    await world.bindDock(dock, orgA);
    const home = await apiA.call<Json>('POST', `/docks/${dock}/return-home`);
    expect(home.status).toBe(202);
    const commandId = home.body.id as string;
    expect((await apiA.call<Json>('GET', `/commands/${commandId}`)).status).toBe(200);
    const foreign = await apiB.call<Json>('GET', `/commands/${commandId}`);
    const unknown = await apiB.call<Json>('GET', `/commands/${randomUUID()}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe(unknown.body.code);
    expect((await apiDefault.call<Json>('GET', `/commands/${commandId}`)).status).toBe(404);
  });

  it("keeps each organization's plans to itself, and their tasks in the plan's organization", async () => {
    const dock = world.sn('dock-plan');
    await world.bindDock(dock, orgA);
    const created = await apiA.call<Json>('POST', '/plans', dailyPlan(dock));
    expect(created.status).toBe(201);
    const planId = created.body.id as string;
    const planTasks = await eventually(async () => {
      const page = await apiA.call<{ items: Json[] }>('GET', `/tasks?planId=${planId}`);
      expect(page.body.items.length).toBeGreaterThan(0);
      return page.body.items;
    });
    expect((await apiB.call<{ total: number }>('GET', `/tasks?planId=${planId}`)).body.total).toBe(
      0,
    );

    const listA = await apiA.call<{ items: Json[] }>('GET', '/plans');
    expect(listA.body.items.map((p) => p.id)).toContain(planId);
    const listB = await apiB.call<{ items: Json[] }>('GET', '/plans');
    expect(listB.body.items.map((p) => p.id)).not.toContain(planId);

    const unknownId = randomUUID();
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', '/pause'],
      ['POST', '/resume'],
      ['DELETE', ''],
    ] as const) {
      const foreign = await apiB.call<Json>(method, `/plans/${planId}${suffix}`);
      const unknown = await apiB.call<Json>(method, `/plans/${unknownId}${suffix}`);
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe(unknown.body.code);
    }
    // B's attempts changed nothing: the plan is active and its tasks still scheduled.
    expect((await apiA.call<Json>('GET', `/plans/${planId}`)).body.state).toBe('active');
    const first = planTasks[0].flightId as string;
    expect((await apiA.call<Json>('GET', `/tasks/${first}`)).body.state).toBe('scheduled');
    expect((await apiA.call<Json>('DELETE', `/plans/${planId}`)).status).toBe(200);
  });

  it('suspends a plan whose dock moved to another organization, canceling its tasks not yet sent', async () => {
    const dock = world.sn('dock-moved');
    await world.bindDock(dock, orgA);
    const created = await apiA.call<Json>('POST', '/plans', dailyPlan(dock));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'active', stateReason: null });
    const planId = created.body.id as string;
    const generated = await eventually(async () => {
      const page = await apiA.call<{ items: Json[] }>('GET', `/tasks?planId=${planId}`);
      expect(page.body.items.length).toBeGreaterThan(0);
      return page.body.items;
    });
    // 09:00 Berlin is 21 h after the test clock's time: nothing was sent to the dock yet.
    expect(generated.every((t) => t.state === 'scheduled')).toBe(true);

    // The registry moves the dock to B; a scheduler round of either replica suspends the plan.
    await world.bindDock(dock, orgB);
    await eventually(async () => {
      const plan = await apiA.call<Json>('GET', `/plans/${planId}`);
      expect(plan.body).toMatchObject({
        state: 'suspended',
        stateReason: 'dock_moved_organization',
      });
    });
    const listed = await apiA.call<{ items: Json[] }>('GET', '/plans');
    expect(listed.body.items.find((p) => p.id === planId)).toMatchObject({
      state: 'suspended',
      stateReason: 'dock_moved_organization',
    });
    const tasks = await apiA.call<{ items: Json[] }>('GET', `/tasks?planId=${planId}`);
    expect(tasks.body.items).toHaveLength(generated.length);
    for (const task of tasks.body.items) {
      expect(task).toMatchObject({ state: 'canceled', lastCause: 'dock_moved_organization' });
    }
    const first = generated[0].flightId as string;
    const detail = await apiA.call<{ history: Json[] }>('GET', `/tasks/${first}`);
    expect(detail.body.history.at(-1)).toMatchObject({
      from: 'scheduled',
      to: 'canceled',
      cause: 'dock_moved_organization',
    });
    // The task event says so on Kafka, as docs/asyncapi.yaml describes it.
    const raw = await eventually(() => {
      const found = world.gateway.rawTaskEvents.find(
        (record) =>
          (record.value as Json).flightId === first && (record.value as Json).state === 'canceled',
      );
      expect(found).toBeDefined();
      return found!;
    });
    expect(raw.value).toMatchObject({ cause: 'dock_moved_organization', organizationId: orgA });
    expect(new AsyncApiContract().check(KAFKA_TOPICS.taskEvents, raw)).toEqual([]);

    // A cannot resume it on B's dock (as an unknown dock); back in A, it can.
    const refused = await apiA.call<Json>('POST', `/plans/${planId}/resume`);
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({
      code: 'not_found',
      message: `no dock ${dock} in this organization`,
    });
    await world.bindDock(dock, orgA);
    const resumed = await eventually(async () => {
      const response = await apiA.call<Json>('POST', `/plans/${planId}/resume`);
      expect(response.status).toBe(200);
      return response.body;
    });
    expect(resumed).toMatchObject({ state: 'active', stateReason: null });
    expect((await apiA.call<Json>('DELETE', `/plans/${planId}`)).status).toBe(200);
  });

  it('states the organization in the task events, as docs/asyncapi.yaml describes them', async () => {
    const dock = world.sn('dock-events');
    await world.bindDock(dock, orgA);
    const flightId = await world.create(timedTask(dock), apiA);
    const defaultFlight = await world.create(timedTask(world.sn('dock-default')), apiDefault);
    const contract = new AsyncApiContract();
    const raw = await eventually(() => {
      const found = [flightId, defaultFlight].map((id) =>
        world.gateway.rawTaskEvents.find((record) => (record.value as Json).flightId === id),
      );
      expect(found.every(Boolean)).toBe(true);
      return found as NonNullable<(typeof found)[number]>[];
    });
    expect((raw[0].value as Json).organizationId).toBe(orgA);
    expect((raw[1].value as Json).organizationId).toBe(DEFAULT_ORGANIZATION_ID);
    for (const record of raw) {
      expect(contract.check(KAFKA_TOPICS.taskEvents, record)).toEqual([]);
    }
    expect(world.gateway.eventsFor(flightId)[0].organizationId).toBe(orgA);
  });

  it("asks the file service in the task's organization; another's wayline is not found", async () => {
    const dock = world.sn('dock-wayline');
    await world.bindDock(dock, orgA);
    const ownedByA = randomUUID();
    world.fileStub.owners.set(ownedByA, orgA);

    const calls = world.fileStub.calls.length;
    const flightId = await world.create({ ...timedTask(dock), waylineId: ownedByA }, apiA);
    const index = world.fileStub.calls.indexOf(flightId, calls);
    expect(world.fileStub.organizations[index]).toBe(orgA);

    const dockB = world.sn('dock-wayline-b');
    await world.bindDock(dockB, orgB);
    const foreign = await apiB.call<Json>('POST', '/tasks', {
      name: 'survey',
      waylineId: ownedByA,
      rthAltitude: 100,
      exitWaylineWhenRcLost: 1,
      ...timedTask(dockB),
    });
    const unknown = await apiB.call<Json>('POST', '/tasks', {
      name: 'survey',
      waylineId: UNKNOWN_WAYLINE,
      rthAltitude: 100,
      exitWaylineWhenRcLost: 1,
      ...timedTask(dockB),
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.problems).toEqual([
      { field: 'waylineId', problem: expect.stringContaining('unknown wayline') },
    ]);
    expect(foreign.body.code).toBe(unknown.body.code);
    expect((await apiB.call<{ total: number }>('GET', `/tasks?gatewaySn=${dock}`)).body.total).toBe(
      0,
    );
  });

  it("refuses to command another organization's dock (404, as an unknown dock), and an unbound one", async () => {
    const dock = world.sn('dock-owned');
    await world.bindDock(dock, orgA);
    const task = {
      name: 'survey',
      waylineId: TEST_WAYLINE,
      rthAltitude: 100,
      exitWaylineWhenRcLost: 1,
      ...timedTask(dock),
    };
    const plan = {
      name: 'round',
      gatewaySn: dock,
      waylineId: TEST_WAYLINE,
      cron: '0 9 * * *',
      timeZone: 'UTC',
      endsAt: world.clock.now() + 5 * 24 * HOUR,
      rthAltitude: 120,
      exitWaylineWhenRcLost: 1,
    };
    const fileCalls = world.fileStub.calls.length;
    for (const api of [apiB, apiDefault]) {
      for (const [method, path, body] of [
        ['POST', '/tasks', task],
        ['POST', '/plans', plan],
        ['POST', `/docks/${dock}/return-home`, undefined],
        ['POST', `/docks/${dock}/return-home/cancel`, undefined],
      ] as const) {
        const refused = await api.call<Json>(method, path, body);
        expect(refused.status).toBe(404);
        expect(refused.body).toMatchObject({
          code: 'not_found',
          message: `no dock ${dock} in this organization`,
        });
      }
    }
    // Nothing was asked of the file service and nothing was recorded for the dock.
    expect(world.fileStub.calls.length).toBe(fileCalls);
    for (const api of [apiA, apiB, apiDefault]) {
      const listed = await api.call<{ total: number }>('GET', `/tasks?gatewaySn=${dock}`);
      expect(listed.body.total).toBe(0);
    }
    // Its own organization commands it; once unbound, nobody does; bound to B, B does.
    expect((await apiA.call('POST', `/docks/${dock}/return-home`)).status).toBe(202);
    await world.bindDock(dock, null);
    expect((await apiA.call('POST', `/docks/${dock}/return-home`)).status).toBe(404);
    expect((await apiA.call('POST', '/tasks', task)).status).toBe(404);
    await world.bindDock(dock, orgB);
    expect((await apiB.call('POST', `/docks/${dock}/return-home`)).status).toBe(202);
    expect((await apiA.call('POST', `/docks/${dock}/return-home`)).status).toBe(404);
  });

  it('does not let X-Organization-Id widen a token: naming another organization answers 403', async () => {
    const dock = world.sn('dock-spoof');
    await world.bindDock(dock, orgA);
    const flightId = await world.create(timedTask(dock), apiA);
    const spoofing = new Api(url, tokens.of(orgB), orgA);
    for (const [method, path] of [
      ['GET', '/tasks'],
      ['GET', `/tasks/${flightId}`],
      ['POST', `/tasks/${flightId}/pause`],
      ['POST', `/docks/${dock}/return-home`],
      ['GET', '/plans'],
    ] as const) {
      const response = await spoofing.call<Json>(method, path);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: 'organization_not_allowed' });
    }
    expect((await apiA.call<Json>('GET', `/tasks/${flightId}`)).body.state).toBe('scheduled');
    // Its own organization named again is fine; an admin token acts where the header says.
    expect(
      (await new Api(url, tokens.of(orgA), orgA).call('GET', `/tasks/${flightId}`)).status,
    ).toBe(200);
    expect((await new Api(url, tokens.admin, orgA).call('GET', `/tasks/${flightId}`)).status).toBe(
      200,
    );
    expect((await new Api(url, tokens.admin, orgB).call('GET', `/tasks/${flightId}`)).status).toBe(
      404,
    );
    const adminWithout = await new Api(url, tokens.admin).call<Json>('GET', `/tasks/${flightId}`);
    expect(adminWithout.status).toBe(400);
    expect(adminWithout.body.message).toMatch(/X-Organization-Id: required with an admin token/);
    expect((await new Api(url, null).call('GET', `/tasks/${flightId}`)).status).toBe(401);
  });

  it('answers 400 naming X-Organization-Id for a value that is not an organization id', async () => {
    for (const bad of ['has space', 'x'.repeat(65), 'a/b']) {
      const response = await new Api(url, API_TOKEN, bad).call<Json>('GET', '/tasks');
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        code: 'invalid_request',
        problems: [{ field: 'X-Organization-Id' }],
      });
    }
    // Authentication comes first: no token, no hint about the header.
    expect((await new Api(url, null, 'has space').call('GET', '/tasks')).status).toBe(401);
  });

  it('gives rows written before organizations existed to the default organization', async () => {
    const schema = uniqueName('it_mission_orgmig', '_');
    const logger = createLogger({ service: 'it-migration', level: 'fatal' });
    // The schema as the previous release left it, with its rows.
    const before = await createPostgresDataSource({
      url: infraSettings.databaseUrl,
      schema,
      entities: [],
      migrations: [CreateMissionSchema1732100000000, IndexInFlightTasks1746352800000],
      logger,
    });
    const flightId = `old-${world.run}`;
    const planId = randomUUID();
    const commandId = randomUUID();
    const dock = world.sn('dock-old');
    const at = world.clock.now() - HOUR;
    await before.query('INSERT INTO docks (gateway_sn, created_at) VALUES ($1, $2)', [dock, at]);
    await before.query(
      `INSERT INTO plans (id, name, creator, gateway_sn, wayline_id, cron, time_zone, starts_at,
         ends_at, template, state, generated_until, version, created_at, updated_at)
       VALUES ($1, 'old plan', 'it', $2, $3, '0 9 * * *', 'UTC', $4, $5, $6, 'paused', $4, 0, $4, $4)`,
      [
        planId,
        dock,
        TEST_WAYLINE,
        at,
        at + 30 * 24 * HOUR,
        JSON.stringify({
          rthAltitude: 100,
          rthMode: null,
          outOfControlAction: 0,
          exitWaylineWhenRcLost: 1,
          executableConditions: null,
          simulateMission: null,
          waylineType: 0,
        }),
      ],
    );
    await before.query(
      `INSERT INTO tasks (flight_id, gateway_sn, wayline_id, name, creator, task_type,
         rth_altitude, out_of_control_action, exit_wayline_when_rc_lost, wayline_type, planned_at,
         state, version, attempts, last_cause, created_at, updated_at)
       VALUES ($1, $2, $3, 'old task', 'it', 0, 100, 0, 1, 0, $4, 'ok', 3, 0, 'ok', $4, $4)`,
      [flightId, dock, TEST_WAYLINE, at],
    );
    await before.query(
      `INSERT INTO commands (id, gateway_sn, method, flight_ids, bid, attempt, state, requested_at)
       VALUES ($1, $2, 'return_home', '{}', $4, 1, 'accepted', $3)`,
      [commandId, dock, at, commandId],
    );
    await before.destroy();

    let replica: RunningService | undefined;
    const client = new Client({ connectionString: infraSettings.databaseUrl });
    await client.connect();
    try {
      replica = await startReplica({
        schema,
        groupPrefix: uniqueName('it-mission-orgmig'),
        topics: world.topics,
        clock: world.clock,
        fileServiceUrl: world.fileStub.url,
        name: 'mission-migrated',
        tokens,
      });
      const migratedUrl = `http://127.0.0.1:${replica.port}`;
      const asDefault = new Api(migratedUrl, API_TOKEN);
      const asOther = new Api(migratedUrl, tokens.of(orgB));
      for (const path of [`/tasks/${flightId}`, `/plans/${planId}`, `/commands/${commandId}`]) {
        expect((await asDefault.call('GET', path)).status).toBe(200);
        expect((await asOther.call('GET', path)).status).toBe(404);
      }
      const listed = await asDefault.call<{ items: Json[] }>('GET', `/tasks?gatewaySn=${dock}`);
      expect(listed.body.items.map((t) => t.flightId)).toEqual([flightId]);

      for (const table of ['tasks', 'plans', 'commands']) {
        const rows = await client.query<{ organization_id: string }>(
          `SELECT organization_id FROM "${schema}".${table}`,
        );
        expect(rows.rows.map((r) => r.organization_id)).toEqual([DEFAULT_ORGANIZATION_ID]);
        // No default left: every new write has to say whose it is.
        const column = await client.query<{ is_nullable: string; column_default: string | null }>(
          `SELECT is_nullable, column_default FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = $2 AND column_name = 'organization_id'`,
          [schema, table],
        );
        expect(column.rows).toEqual([{ is_nullable: 'NO', column_default: null }]);
      }
      const indexes = await client.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE '%organization%'`,
        [schema],
      );
      expect(indexes.rows.map((r) => r.indexname).sort()).toEqual([
        // dock_organizations (which organization may command which dock): its primary key.
        'dock_organizations_pkey',
        'plans_organization_idx',
        'tasks_organization_planned_idx',
      ]);
    } finally {
      await replica?.shutdown('test end');
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});
