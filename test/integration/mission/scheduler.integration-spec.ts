// The scheduler at fleet scale (issue 17) against real PostgreSQL and Kafka: a dock's queue
// keeps its order when the dock answers busy, two schedulers on one schema claim disjoint
// batches (no task dispatched twice), and each result code stays on the transition that
// carried it. Run: npx jest --selectProjects integration -- test/integration/mission/scheduler
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createLogger, createPostgresDataSource } from '@dock/platform';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { PgMissionStore } from '../../../apps/mission/src/adapters/postgres/pg-mission-store';
import {
  MISSION_ENTITIES,
  MISSION_MIGRATIONS,
} from '../../../apps/mission/src/adapters/postgres/mission-schema';
import { Scheduler } from '../../../apps/mission/src/application/scheduler';
import { newTask } from '../../../apps/mission/src/domain/new-task';
import { aSpec, SETTINGS } from '../../../apps/mission/src/domain/testing/task-fixture';
import { eventually } from '../../support/eventually';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import { FakeGateway, ManualClock, MissionWorld, startMissionWorld } from './mission-harness';

jest.setTimeout(120_000);

const SLOW = { timeoutMs: 20_000, intervalMs: 100 };
const DOCK_BUSY = 319001;
const CANNOT_PAUSE = 319046;

type Json = Record<string, unknown>;

describe('mission scheduler (integration)', () => {
  let world: MissionWorld;
  let clock: ManualClock;
  let gateway: FakeGateway;

  beforeAll(async () => {
    world = await startMissionWorld('s');
    ({ clock, gateway } = world);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('a task that met a busy dock keeps its place: a later task waits for its retry', async () => {
    const dock = world.sn('queue-busy');
    let refusals = 0;
    gateway.script(dock, (command) => {
      // The dock's first prepare (the first task's) meets a busy dock.
      if (command.method === 'flighttask_prepare' && refusals === 0) {
        refusals += 1;
        return DOCK_BUSY;
      }
      return 0;
    });
    const first = await world.create({ gatewaySn: dock, taskType: 'immediate' });
    await eventually(async () => {
      expect(await world.task(first)).toMatchObject({ state: 'scheduled', attempts: 1 });
    }, SLOW);
    // Created after the busy answer, due at once: it must not overtake the retry.
    const second = await world.create({ gatewaySn: dock, taskType: 'immediate' });
    clock.advance(1_000); // the retry's backoff
    await world.waitState(first, 'in_progress');
    await gateway.progress(dock, first, 'ok', 100, clock.now());
    await world.waitState(first, 'ok');
    await world.waitState(second, 'in_progress');
    const prepares = gateway
      .commandsFor(dock, 'flighttask_prepare')
      .map((c) => (c.data as { flight_id: string }).flight_id);
    expect(prepares).toEqual([first, first, second]);
    const executes = gateway.commandsFor(dock, 'flighttask_execute').map((c) => c.bid);
    expect(executes).toEqual([first, second]);
    const history = (await world.task(first)).history as Json[];
    expect(history.map((h) => h.cause)).toEqual([
      'created',
      'prepare_sent',
      'prepare_refused: retry',
      'prepare_retry_sent',
      'prepare_accepted',
      'execute_sent',
      'execute_accepted',
      'progress_ok',
    ]);
  });

  it('a result code belongs to the transition that carried it', async () => {
    const dock = world.sn('codes');
    const flightId = await world.create({ gatewaySn: dock, taskType: 'immediate' });
    await world.waitState(flightId, 'in_progress');
    gateway.script(dock, (command) => (command.method === 'flighttask_pause' ? CANNOT_PAUSE : 0));
    expect((await world.apiA.call('POST', `/tasks/${flightId}/pause`)).status).toBe(202);
    await eventually(async () => {
      const history = (await world.task(flightId)).history as Json[];
      expect(history.at(-1)).toMatchObject({
        from: 'in_progress',
        to: 'in_progress',
        cause: 'pause_refused',
        resultCode: CANNOT_PAUSE,
      });
    }, SLOW);
    gateway.script(dock, () => 0);
    expect((await world.apiA.call('POST', `/tasks/${flightId}/pause`)).status).toBe(202);
    await world.waitState(flightId, 'paused');
    expect((await world.apiA.call('POST', `/tasks/${flightId}/resume`)).status).toBe(202);
    await world.waitState(flightId, 'in_progress');
    await gateway.progress(dock, flightId, 'canceled', 60, clock.now() + 100);
    const done = await world.waitState(flightId, 'canceled');
    const history = done.history as Json[];
    expect(history.map((h) => [h.cause, h.resultCode])).toEqual([
      ['created', null],
      ['prepare_sent', null],
      ['prepare_accepted', 0],
      ['execute_sent', null],
      ['execute_accepted', 0],
      ['pause_refused', CANNOT_PAUSE],
      ['pause_accepted', null],
      ['resume_accepted', null],
      ['progress_canceled', 0],
    ]);
    expect(done.result).toEqual({ code: 0, meaning: 'success' });
  });
});

describe('mission scheduler: two schedulers on one schema (integration)', () => {
  const schema = uniqueName('it_mission_claim', '_');
  const logger = createLogger({ service: 'mission-claim-it', level: 'fatal' });
  const sources: DataSource[] = [];

  afterAll(async () => {
    await Promise.all(sources.map((s) => s.destroy()));
    const client = new Client({ connectionString: infraSettings.databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('claims disjoint batches: every due task is prepared once, none twice', async () => {
    const open = async () => {
      const source = await createPostgresDataSource({
        url: infraSettings.databaseUrl,
        schema,
        entities: MISSION_ENTITIES,
        migrations: MISSION_MIGRATIONS,
        logger,
        poolSize: 4,
        applicationName: 'mission-claim-it',
      });
      sources.push(source);
      return new PgMissionStore(source, {
        topics: { commands: 'claim-it.commands', taskEvents: 'claim-it.task-events' },
        commandTimeoutMs: 10_000,
        requester: 'mission-claim-it',
      });
    };
    const storeA = await open();
    const storeB = await open();
    const now = Date.UTC(2026, 4, 4, 10, 0, 0);
    const clock = new ManualClock(now);
    const docks = 300;
    const flightIds: string[] = [];
    await storeA.transaction(async (tx) => {
      for (let d = 0; d < docks; d++) {
        for (let k = 0; k < 2; k++) {
          // Two tasks per dock, both due: the dock's queue lets one go per claim.
          const mutation = newTask(
            {
              organizationId: DEFAULT_ORGANIZATION_ID,
              flightId: randomUUID(),
              resumedFrom: null,
              name: `claim ${d}/${k}`,
              creator: 'it',
              gatewaySn: `CLAIM${String(d).padStart(4, '0')}`,
              waylineId: randomUUID(),
              spec: aSpec({ taskType: 0, executeTime: null }),
            },
            now - 1_000 + k,
            SETTINGS,
          );
          flightIds.push(mutation.task.flightId);
          await tx.insertTask(mutation);
        }
      }
    });
    const waylines = {
      bind: async ({ flightId }: { flightId: string }) => ({
        url: `https://files.test/${flightId}.kmz`,
        fingerprint: '0123456789abcdef0123456789abcdef',
      }),
    };
    const scheduler = (store: PgMissionStore) =>
      new Scheduler({
        store,
        clock,
        waylines,
        settings: { timing: SETTINGS, docksPerRound: 40, concurrency: 2 },
        newId: randomUUID,
        logger,
      });
    const a = scheduler(storeA);
    const b = scheduler(storeB);
    const rounds = await Promise.all([a.runRound(), b.runRound(), a.runRound(), b.runRound()]);
    // Both took part: each claimed docks of its own.
    expect(rounds[0].docks + rounds[2].docks).toBeGreaterThan(0);
    expect(rounds[1].docks + rounds[3].docks).toBeGreaterThan(0);
    // The rest, round after round from both, until every dock was claimed once.
    await eventually(async () => {
      await Promise.all([a.runRound(), b.runRound()]);
      const client = new Client({ connectionString: infraSettings.databaseUrl });
      await client.connect();
      try {
        const prepares = await client.query<{ bid: string; n: number }>(
          `SELECT bid, count(*)::int AS n FROM "${schema}".commands
           WHERE method = 'flighttask_prepare' GROUP BY bid`,
        );
        expect(prepares.rows.filter((r) => r.n > 1)).toEqual([]);
        // One prepare per dock (the first of its queue), the second waits behind it.
        expect(prepares.rows).toHaveLength(docks);
        const first = new Set(flightIds.filter((_, i) => i % 2 === 0));
        expect(prepares.rows.every((r) => first.has(r.bid))).toBe(true);
        const outbox = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schema}".outbox WHERE topic = 'claim-it.commands'`,
        );
        expect(outbox.rows[0].n).toBe(docks);
        const history = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schema}".task_transitions WHERE cause = 'prepare_sent'`,
        );
        expect(history.rows[0].n).toBe(docks);
      } finally {
        await client.end();
      }
    }, SLOW);
  });
});
