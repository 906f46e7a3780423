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
  let orgA: string;
  let orgB: string;
  let apiA: Api;
  let apiB: Api;
  /** No header: the default organization. */
  let apiDefault: Api;

  beforeAll(async () => {
    world = await startMissionWorld('org');
    orgA = `org-a-${world.run}`;
    orgB = `org-b-${world.run}`;
    const url = `http://127.0.0.1:${world.replicas[0].port}`;
    apiA = new Api(url, API_TOKEN, orgA);
    apiB = new Api(`http://127.0.0.1:${world.replicas[1].port}`, API_TOKEN, orgB);
    apiDefault = new Api(url);
  });

  afterAll(async () => {
    await world?.stop();
  });

  const timedTask = (dock: string) => ({
    gatewaySn: dock,
    taskType: 'timed',
    executeTime: world.clock.now() + 2 * HOUR,
  });

  it("keeps each organization's tasks to itself: list, get, commands, cancel", async () => {
    const dock = world.sn('dock-a');
    const flightId = await world.create(timedTask(dock), apiA);
    expect((await apiA.call<Json>('GET', `/tasks/${flightId}`)).status).toBe(200);

    const listA = await apiA.call<{ items: Json[]; total: number }>('GET', `/tasks?gatewaySn=${dock}`);
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
    const created = await apiA.call<Json>('POST', '/plans', {
      name: 'round',
      gatewaySn: dock,
      waylineId: TEST_WAYLINE,
      cron: '0 9 * * *',
      timeZone: 'Europe/Berlin',
      endsAt: world.clock.now() + 5 * 24 * HOUR,
      rthAltitude: 120,
      exitWaylineWhenRcLost: 1,
    });
    expect(created.status).toBe(201);
    const planId = created.body.id as string;
    const planTasks = await eventually(async () => {
      const page = await apiA.call<{ items: Json[] }>('GET', `/tasks?planId=${planId}`);
      expect(page.body.items.length).toBeGreaterThan(0);
      return page.body.items;
    });
    expect((await apiB.call<{ total: number }>('GET', `/tasks?planId=${planId}`)).body.total).toBe(0);

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

  it('states the organization in the task events, as docs/asyncapi.yaml describes them', async () => {
    const dock = world.sn('dock-events');
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
    const ownedByA = randomUUID();
    world.fileStub.owners.set(ownedByA, orgA);

    const calls = world.fileStub.calls.length;
    const flightId = await world.create({ ...timedTask(dock), waylineId: ownedByA }, apiA);
    const index = world.fileStub.calls.indexOf(flightId, calls);
    expect(world.fileStub.organizations[index]).toBe(orgA);

    const foreign = await apiB.call<Json>('POST', '/tasks', {
      name: 'survey',
      waylineId: ownedByA,
      rthAltitude: 100,
      exitWaylineWhenRcLost: 1,
      ...timedTask(dock),
    });
    const unknown = await apiB.call<Json>('POST', '/tasks', {
      name: 'survey',
      waylineId: UNKNOWN_WAYLINE,
      rthAltitude: 100,
      exitWaylineWhenRcLost: 1,
      ...timedTask(dock),
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

  it('answers 400 naming X-Organization-Id for a value that is not an organization id', async () => {
    const url = `http://127.0.0.1:${world.replicas[0].port}`;
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
      });
      const url = `http://127.0.0.1:${replica.port}`;
      const asDefault = new Api(url);
      const asOther = new Api(url, API_TOKEN, orgB);
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
