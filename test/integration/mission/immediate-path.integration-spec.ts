// An immediate task's commands go out without waiting for any loop's timer: here the scheduler's
// and the outbox relay's intervals are ten minutes, so a prepare that waited for a scheduler
// round, an execute that waited for one, or a record that waited for a relay tick (e.g. after
// the other replica held the relay lock) would miss these deadlines by far.
// Run: npx jest --selectProjects integration --runInBand --forceExit test/integration/mission/immediate
import { Client } from 'pg';
import { eventually } from '../../support/eventually';
import { infraSettings } from '../../support/infra-settings';
import { MissionWorld, startMissionWorld } from './mission-harness';

jest.setTimeout(120_000);

const TEN_MINUTES = '600000';
/** Far below the loops' intervals; generous for Kafka on a shared machine. */
const PROMPT = { timeoutMs: 30_000, intervalMs: 20 };

describe('immediate task path (integration)', () => {
  let world: MissionWorld;

  beforeAll(async () => {
    world = await startMissionWorld('imm', {
      env: {
        MISSION_SCHEDULER_INTERVAL_MS: TEN_MINUTES,
        MISSION_RELAY_INTERVAL_MS: TEN_MINUTES,
      },
    });
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('prepares right after the creating commit and executes right after the prepare succeeded, on either replica', async () => {
    const docks = Array.from({ length: 8 }, (_, i) => world.sn(`fast${i}`));
    const flightIds = await Promise.all(
      docks.map((gatewaySn, i) =>
        world.create({ gatewaySn, taskType: 'immediate' }, i % 2 ? world.apiB : world.apiA),
      ),
    );
    await eventually(() => {
      for (const dock of docks) {
        expect(world.gateway.commandsFor(dock, 'flighttask_prepare')).toHaveLength(1);
        expect(world.gateway.commandsFor(dock, 'flighttask_execute')).toHaveLength(1);
      }
    }, PROMPT);
    await eventually(async () => {
      for (const flightId of flightIds) {
        expect((await world.task(flightId)).state).toBe('in_progress');
      }
    }, PROMPT);
    for (const [i, flightId] of flightIds.entries()) {
      const [prepare] = world.gateway.commandsFor(docks[i], 'flighttask_prepare');
      expect(prepare.data).toMatchObject({ flight_id: flightId, task_type: 0 });
    }
  });

  it('sends a prepare promptly once the relay lock, held elsewhere when it was written, comes free', async () => {
    // Plays the other replica's relay: holds the mission's relay lock for this schema.
    const holder = new Client({ connectionString: infraSettings.databaseUrl });
    await holder.connect();
    try {
      await holder.query(`SET search_path = "${world.schema}"`);
      await holder.query('BEGIN');
      await holder.query(
        `SELECT pg_advisory_xact_lock(hashtext('mission-outbox:' || current_schema()))`,
      );
      const dock = world.sn('locked');
      await world.create({ gatewaySn: dock, taskType: 'immediate' });
      // The prepare is committed to the outbox and cannot leave while the lock is held.
      await eventually(async () => {
        const { rows } = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM outbox WHERE topic = $1`,
          [world.topics.commands],
        );
        expect(rows[0].n).toBe(1);
      }, PROMPT);
      expect(world.gateway.commandsFor(dock, 'flighttask_prepare')).toHaveLength(0);
      await holder.query('COMMIT');
      await eventually(
        () => expect(world.gateway.commandsFor(dock, 'flighttask_prepare')).toHaveLength(1),
        PROMPT,
      );
    } finally {
      await holder.end();
    }
  });
});
