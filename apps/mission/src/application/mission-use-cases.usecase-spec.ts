// The middle test tier (jest project "use-cases", run by `npm run test:unit`): the mission's use
// cases with the real services and store, on PGlite (the embedded PostgreSQL, the same
// migrations and SQL), the outbox relayed to the in-process bus. No Nest, no Kafka, no HTTP.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import {
  CommandRecord,
  commandRecordSchema,
  DEFAULT_ORGANIZATION_ID,
  KAFKA_TOPICS,
  TaskEventRecord,
  taskEventRecordSchema,
} from '@dock/contracts';
import { InProcessBus, RunningConsumer } from '@dock/kafka';
import { createLogger, createPostgresDataSource, loadConfig, PgOutboxRelay } from '@dock/platform';
import { EVENT_DATA_VALIDATORS } from '@dock/protocol';
import { AsyncApiContract } from '../../../../test/support/asyncapi-contract';
import { eventually } from '../../../../test/support/eventually';
import {
  EmbeddedPostgresProcess,
  spawnEmbeddedPostgres,
} from '../../../standalone/test/spawn-embedded-postgres';
import { MISSION_ENTITIES, MISSION_MIGRATIONS } from '../adapters/postgres/mission-schema';
import { PgDockOrganizations } from '../adapters/postgres/pg-dock-organizations';
import { PgMissionStore } from '../adapters/postgres/pg-mission-store';
import type { PlanTaskTemplate } from '../domain/plan';
import { TASK_TYPE_IMMEDIATE, TaskSpec } from '../domain/task';
import { missionConfigSchema, missionUseCaseSettings } from '../mission.config';
import { NotFoundError } from './errors';
import type { MissionService, Wakeups } from './mission-service';
import { createMissionUseCases } from './mission-use-cases';
import type { PlanService } from './plan-service';
import type { WaylineUrlProvider } from './ports';
import type { Scheduler } from './scheduler';

jest.setTimeout(60_000);

const logger = createLogger({ service: 'mission-use-cases', level: 'warn' });
const config = loadConfig(missionConfigSchema, {
  DATABASE_URL: 'postgres://unused',
  FILE_SERVICE_URL: 'http://unused',
  FILE_SERVICE_TOKEN: 'unused-token',
  API_TOKENS: `${DEFAULT_ORGANIZATION_ID}:unused-api-token-0123456789`,
});
// The pool of this tier's data source (below): one scheduler batch at a time.
const settings = missionUseCaseSettings(config, { databasePoolSize: 3 });
const clock = { now: () => Date.now() };
const topics = { commands: KAFKA_TOPICS.commands, taskEvents: KAFKA_TOPICS.taskEvents };

/** The file service's answer, in memory: this tier tests the mission, not the file service. */
const waylines: WaylineUrlProvider = {
  bind: async ({ flightId }) => ({
    url: `https://files.example.test/waylines/${flightId}.kmz`,
    fingerprint: 'd41d8cd98f00b204e9800998ecf8427e',
  }),
};

const SPEC: TaskSpec = {
  taskType: TASK_TYPE_IMMEDIATE,
  executeTime: null,
  readyConditions: null,
  executableConditions: null,
  rthAltitude: 100,
  rthMode: null,
  outOfControlAction: 0,
  exitWaylineWhenRcLost: 0,
  breakPoint: null,
  simulateMission: null,
  waylineType: 0,
};

interface Written {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  value: unknown;
}

describe('mission use cases on PGlite and the in-process bus', () => {
  let dir: string;
  let postgres: EmbeddedPostgresProcess;
  let dataSource: DataSource;
  let bus: InProcessBus;
  let collector: RunningConsumer;
  const written: Written[] = [];
  let missions: MissionService;
  let plans: PlanService;
  let store: PgMissionStore;
  let docks: PgDockOrganizations;
  let scheduler: Scheduler;
  let relay: () => Promise<number>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mission-use-cases-'));
    postgres = await spawnEmbeddedPostgres(path.join(dir, 'pg'), ['mission']);
    dataSource = await createPostgresDataSource({
      url: postgres.urls.mission,
      schema: 'mission',
      entities: MISSION_ENTITIES,
      migrations: MISSION_MIGRATIONS,
      logger,
      poolSize: 3,
      applicationName: 'mission-use-cases',
      migrationsOnStart: 'run',
    });
    bus = await InProcessBus.open({ logger });
    await bus.ensureTopics(Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })));
    const producer = bus.createProducer();
    await producer.connect();
    collector = await bus.subscribe({
      groupId: 'use-case-collector',
      topics: Object.values(topics),
      fromBeginning: true,
      logger,
      handleBatch: async (records) => {
        for (const { topic, message } of records) {
          written.push({
            topic,
            key: message.key?.toString() ?? null,
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
            ),
            value: JSON.parse(message.value?.toString() ?? 'null'),
          });
        }
      },
    });
    store = new PgMissionStore(dataSource, {
      topics,
      commandTimeoutMs: settings.commandTimeoutMs,
      requester: settings.requester,
    });
    const outbox = new PgOutboxRelay(dataSource, (records) => producer.sendAll(records), {
      service: 'mission',
      headers: true,
    });
    relay = () => outbox.relay();
    const wakeups: Wakeups = { schedule: () => undefined, relay: () => undefined };
    docks = new PgDockOrganizations(dataSource);
    ({ missions, plans, scheduler } = createMissionUseCases(
      { store, docks, waylines, wakeups, clock, logger },
      settings,
    ));
  });

  afterAll(async () => {
    await collector?.stop();
    await bus?.close();
    await dataSource?.destroy();
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const commandsFor = (flightId: string): CommandRecord[] =>
    written
      .filter((w) => w.topic === topics.commands)
      .map((w) => commandRecordSchema.parse(w.value))
      .filter((command) => JSON.stringify(command.data).includes(flightId));

  const statesOf = (flightId: string): string[] =>
    written
      .filter((w) => w.topic === topics.taskEvents)
      .map((w) => taskEventRecordSchema.parse(w.value) as TaskEventRecord)
      .filter((event) => event.flightId === flightId)
      .sort((a, b) => a.version - b.version)
      .map((event) => event.state);

  /** The scheduler's round, then the outbox to the bus, then the records that reached it. */
  async function dispatch(flightId: string, method: string): Promise<CommandRecord> {
    await scheduler.runRound();
    await relay();
    return eventually(() => {
      const command = commandsFor(flightId).find((c) => c.method === method);
      expect(command).toBeDefined();
      return command as CommandRecord;
    });
  }

  async function accept(command: CommandRecord): Promise<void> {
    const now = Date.now();
    await missions.handleReply({
      schemaVersion: 1,
      correlationId: command.correlationId,
      gatewaySn: command.gatewaySn,
      method: command.method,
      tid: randomUUID(),
      bid: command.bid,
      outcome: 'replied',
      result: 0,
      sentAt: now,
      completedAt: now,
      roundTripMs: 0,
    });
  }

  async function progress(gatewaySn: string, flightId: string, status: string): Promise<void> {
    const data = EVENT_DATA_VALIDATORS.flighttask_progress(
      {
        result: 0,
        output: {
          status,
          progress: { current_step: 21, percent: status === 'ok' ? 100 : 40 },
          ext: { flight_id: flightId, current_waypoint_index: 1 },
        },
      },
      [],
    );
    if (!data.ok) throw new Error(data.error.message);
    await missions.handleProgress(gatewaySn, flightId, {
      data: data.value,
      reportedAt: Date.now(),
    });
  }

  it('flies an immediate task from creation to ok, writing its commands and events', async () => {
    const gatewaySn = `UC-${randomUUID().slice(0, 8).toUpperCase()}`;
    const task = await missions.createTask({
      organizationId: DEFAULT_ORGANIZATION_ID,
      name: 'use case',
      creator: 'test',
      gatewaySn,
      waylineId: randomUUID(),
      spec: SPEC,
    });
    expect(task.state).toBe('scheduled');

    const prepare = await dispatch(task.flightId, 'flighttask_prepare');
    expect(prepare).toMatchObject({ gatewaySn, bid: task.flightId });
    await accept(prepare);
    const execute = await dispatch(task.flightId, 'flighttask_execute');
    await accept(execute);
    await progress(gatewaySn, task.flightId, 'in_progress');
    await progress(gatewaySn, task.flightId, 'ok');
    await relay();

    await eventually(() =>
      expect(statesOf(task.flightId)).toEqual([
        'scheduled',
        'preparing',
        'prepared',
        'executing',
        'in_progress',
        'ok',
      ]),
    );
  });

  it('suspends a plan whose dock moved to another organization (or none), canceling its tasks not yet sent', async () => {
    const gatewaySn = `UC-PLAN-${randomUUID().slice(0, 8).toUpperCase()}`;
    const [orgA, orgB] = [`uc-a-${randomUUID()}`, `uc-b-${randomUUID()}`];
    let at = Date.now();
    const bind = (organizationId: string | null) =>
      docks.recordBinding({ gatewaySn, organizationId, at: ++at });
    const { taskType: _t, executeTime: _e, readyConditions: _r, breakPoint: _b, ...rest } = SPEC;
    const template: PlanTaskTemplate = rest;

    await bind(orgA);
    const plan = await plans.create({
      organizationId: orgA,
      name: 'hourly',
      creator: 'test',
      gatewaySn,
      waylineId: randomUUID(),
      // Every hour, from an hour on: nothing is due for the scheduler yet, so none is sent.
      recurrence: { cron: '0 * * * *', timeZone: 'UTC' },
      startsAt: Date.now() + 3_600_000,
      endsAt: Date.now() + 3 * 86_400_000,
      template,
    });
    expect(plan).toMatchObject({ state: 'active', stateReason: null });
    const planTasks = async () =>
      (await store.listTasks({ organizationId: orgA, planId: plan.id, limit: 500, offset: 0 }))
        .items;
    const generated = await planTasks();
    expect(generated.length).toBeGreaterThan(0);
    expect(generated.every((t) => t.state === 'scheduled')).toBe(true);

    // The registry moves the dock to B: the next generation round suspends A's plan.
    await bind(orgB);
    expect(await plans.extendPlans()).toBe(0);
    expect(await store.findPlan(plan.id, orgA)).toMatchObject({
      state: 'suspended',
      stateReason: 'dock_moved_organization',
    });
    const listed = await store.listPlans(orgA, 50, 0);
    expect(listed.items.find((p) => p.id === plan.id)?.state).toBe('suspended');
    const canceled = await planTasks();
    expect(canceled).toHaveLength(generated.length);
    for (const task of canceled) {
      expect(task).toMatchObject({ state: 'canceled', lastCause: 'dock_moved_organization' });
      const history = await store.history(task.flightId);
      expect(history.at(-1)).toMatchObject({
        from: 'scheduled',
        to: 'canceled',
        cause: 'dock_moved_organization',
      });
    }
    // ...and the task events say so (the outbox, relayed to the bus).
    await relay();
    const first = canceled[0].flightId;
    await eventually(() => {
      const records = written
        .filter((w) => w.topic === topics.taskEvents)
        .map((w) => taskEventRecordSchema.parse(w.value))
        .filter((r) => r.flightId === first);
      expect(records.at(-1)).toMatchObject({
        state: 'canceled',
        previousState: 'scheduled',
        cause: 'dock_moved_organization',
        organizationId: orgA,
      });
    });

    // Suspended, it generates nothing, and A cannot resume it on B's dock.
    expect(await plans.extendPlans()).toBe(0);
    expect(await planTasks()).toHaveLength(generated.length);
    await expect(plans.resume(plan.id, orgA)).rejects.toBeInstanceOf(NotFoundError);

    // Back in A, A resumes it; unbound, the dock has no organization: suspended again.
    await bind(orgA);
    expect(await plans.resume(plan.id, orgA)).toMatchObject({
      state: 'active',
      stateReason: null,
    });
    await bind(null);
    await plans.extendPlans();
    expect(await store.findPlan(plan.id, orgA)).toMatchObject({
      state: 'suspended',
      stateReason: 'dock_moved_organization',
    });
  });

  it('wrote only records that docs/asyncapi.yaml describes', async () => {
    await relay();
    const contract = new AsyncApiContract();
    expect(written.length).toBeGreaterThan(0);
    const problems = written.flatMap((w) =>
      contract.check(w.topic, { key: w.key, headers: w.headers, value: w.value }),
    );
    expect(problems).toEqual([]);
  });
});
