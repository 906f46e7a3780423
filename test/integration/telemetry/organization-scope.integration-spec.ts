// Organizations in the telemetry service (issue 14) against real Kafka and PostgreSQL: it
// learns whose flights and docks are from mission.task-events, stores every report in that
// organization, serves each organization only its own, live stream included, and gives rows
// stored before organizations existed to the default one.
// Run: npx jest --selectProjects integration --runInBand -- test/integration/telemetry/organization
import { DEFAULT_ORGANIZATION_ID, KAFKA_TOPICS, TaskEventRecord } from '@dock/contracts';
import { encodeRecord } from '@dock/kafka';
import { createLogger, createPostgresDataSource, ORGANIZATION_HEADER } from '@dock/platform';
import { CreateTelemetrySchema1732100000000 } from '../../../apps/telemetry/src/adapters/postgres/migrations/1732100000000-create-telemetry-schema';
import { eventually } from '../../support/eventually';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import { SseClient } from './support/sse-client';
import { TelemetryHarness, TOKEN } from './support/telemetry-harness';
import { eventsTopic, progressPayload, uplinkRecord } from './support/uplink-records';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;
const SLOW = { timeoutMs: 30_000, intervalMs: 200 };

describe('telemetry service: organization scope', () => {
  const harness = new TelemetryHarness();
  const run = uniqueName('O').toUpperCase().replace(/-/g, '');
  const sn = (name: string) => `${run}${name}`;
  const orgA = uniqueName('org-a');
  const orgB = uniqueName('org-b');
  const dockA = sn('DOCKA');
  const dockB = sn('DOCKB');
  const flightA = `${dockA}-F`;
  const flightB = `${dockB}-F`;
  let tids = 0;

  /** What the mission service writes when it creates a task (its organization included). */
  async function taskEvent(flightId: string, gatewaySn: string, organizationId?: string) {
    const event: TaskEventRecord = {
      schemaVersion: 1,
      flightId,
      ...(organizationId === undefined ? {} : { organizationId }),
      gatewaySn,
      waylineId: 'w',
      taskType: 1,
      state: 'scheduled',
      previousState: null,
      cause: 'created',
      resultCode: null,
      version: 1,
      at: Date.now(),
    };
    await harness.produce([
      { topic: KAFKA_TOPICS.taskEvents, message: encodeRecord(gatewaySn, event) },
    ]);
  }

  function progress(dock: string, flightId: string) {
    tids += 1;
    return uplinkRecord(
      eventsTopic(dock),
      progressPayload({ sn: dock, flightId, tid: `${run}-p${tids}`, timestamp: Date.now() }),
    );
  }

  function exitNotice(dock: string) {
    tids += 1;
    return uplinkRecord(eventsTopic(dock), {
      bid: `${run}-exit`,
      tid: `${run}-x${tids}`,
      timestamp: Date.now(),
      method: 'device_exit_homing_notify',
      need_reply: true,
      data: { action: 1, reason: 6, sn: dock },
    });
  }

  function rth(dock: string, flightId: string) {
    tids += 1;
    return uplinkRecord(eventsTopic(dock), {
      bid: 'b',
      tid: `${run}-r${tids}`,
      timestamp: Date.now(),
      method: 'return_home_info',
      data: {
        flight_id: flightId,
        last_point_type: 0,
        planned_path_points: [
          { latitude: 22.5, longitude: 113.9, height: 100 },
          { latitude: 22.6, longitude: 113.8, height: 100 },
        ],
      },
    });
  }

  const status = async (path: string, organization?: string) =>
    (await harness.get<Json>(path, TOKEN, organization)).status;

  beforeAll(async () => {
    await harness.setUp();
    await taskEvent(flightA, dockA, orgA);
    await taskEvent(flightB, dockB, orgB);
    await eventually(async () => {
      expect(
        await harness.count('dock_organizations', 'gateway_sn = ANY($1)', [[dockA, dockB]]),
      ).toBe(2);
    }, SLOW);
  });

  afterAll(async () => {
    await harness.tearDown();
  });

  it('serves each organization only its own flights and docks', async () => {
    await harness.produce([
      progress(dockA, flightA),
      progress(dockB, flightB),
      rth(dockA, flightA),
      exitNotice(dockA),
    ]);
    await eventually(async () => {
      expect(await status(`/flights/${flightA}`, orgA)).toBe(200);
      expect(await status(`/flights/${flightB}`, orgB)).toBe(200);
      expect(await status(`/flights/${flightA}/rth-trajectory`, orgA)).toBe(200);
      const notices = await harness.get<{ items: Json[] }>(
        `/docks/${dockA}/exit-homing-notices`,
        TOKEN,
        orgA,
      );
      expect(notices.body.items).toHaveLength(1);
    }, SLOW);

    // Another organization, and the default one, see none of it: 404 or nothing listed.
    for (const other of [orgB, undefined]) {
      expect(await status(`/flights/${flightA}`, other)).toBe(404);
      expect(await status(`/flights/${flightA}/rth-trajectory`, other)).toBe(404);
      expect(await status(`/docks/${dockA}`, other)).toBe(404);
      expect(await status(`/docks/${dockA}/rth-trajectory`, other)).toBe(404);
      const timeline = await harness.get<{ items: Json[] }>(
        `/flights/${flightA}/progress`,
        TOKEN,
        other,
      );
      expect(timeline.body.items).toEqual([]);
      const paths = await harness.get<{ features: Json[] }>(
        `/flights/${flightA}/rth-trajectories`,
        TOKEN,
        other,
      );
      expect(paths.body.features).toEqual([]);
      const notices = await harness.get<{ items: Json[] }>(
        `/docks/${dockA}/exit-homing-notices`,
        TOKEN,
        other,
      );
      expect(notices.body.items).toEqual([]);
      const fleet = await harness.get<{ items: Json[] }>(`/docks?snPrefix=${run}`, TOKEN, other);
      expect(fleet.body.items.map((d) => d.gatewaySn)).not.toContain(dockA);
    }
    const fleetA = await harness.get<{ items: Json[] }>(`/docks?snPrefix=${run}`, TOKEN, orgA);
    expect(fleetA.body.items.map((d) => d.gatewaySn)).toEqual([dockA]);
    const fleetB = await harness.get<{ items: Json[] }>(`/docks?snPrefix=${run}`, TOKEN, orgB);
    expect(fleetB.body.items.map((d) => d.gatewaySn)).toEqual([dockB]);
    const timelineA = await harness.get<{ items: Json[] }>(
      `/flights/${flightA}/progress`,
      TOKEN,
      orgA,
    );
    expect(timelineA.body.items).toHaveLength(1);

    const bad = await harness.get<Json>('/docks', TOKEN, 'not an id');
    expect(bad.status).toBe(400);
    expect(String(bad.body.message)).toContain(ORGANIZATION_HEADER);
  });

  it('moves what a flight and a new dock reported before their task event arrived', async () => {
    const dockC = sn('DOCKC');
    const flightC = `${dockC}-F`;
    await harness.produce([progress(dockC, flightC), exitNotice(dockC)]);
    await eventually(async () => {
      expect(await status(`/flights/${flightC}`)).toBe(200);
    }, SLOW);
    await taskEvent(flightC, dockC, orgA);
    await eventually(async () => {
      expect(await status(`/flights/${flightC}`, orgA)).toBe(200);
      expect(await status(`/docks/${dockC}`, orgA)).toBe(200);
      const notices = await harness.get<{ items: Json[] }>(
        `/docks/${dockC}/exit-homing-notices`,
        TOKEN,
        orgA,
      );
      expect(notices.body.items).toHaveLength(1);
    }, SLOW);
    expect(await status(`/flights/${flightC}`)).toBe(404);
    expect(await status(`/docks/${dockC}`)).toBe(404);
  });

  it('takes an older task event without organization as the default organization', async () => {
    const dockD = sn('DOCKD');
    const flightD = `${dockD}-F`;
    await taskEvent(flightD, dockD);
    await eventually(async () => {
      expect(await harness.count('flight_organizations', 'flight_id = $1', [flightD])).toBe(1);
    }, SLOW);
    await harness.produce([progress(dockD, flightD)]);
    await eventually(async () => {
      expect(await status(`/flights/${flightD}`)).toBe(200);
    }, SLOW);
    expect(await status(`/flights/${flightD}`, orgA)).toBe(404);
  });

  it("streams each organization only its own updates, by header or by the ticket's organization", async () => {
    const streamA = new SseClient();
    const streamB = new SseClient();
    const streamDefault = new SseClient();
    await streamA.open(`${harness.baseUrl}/stream`, TOKEN, { [ORGANIZATION_HEADER]: orgA });
    const { ticket } = await harness.streamTicket(orgB);
    // A browser's EventSource: no header at all, the ticket says which organization.
    await streamB.open(`${harness.baseUrl}/stream?ticket=${encodeURIComponent(ticket)}`, null);
    await streamDefault.open(`${harness.baseUrl}/stream`, TOKEN);
    try {
      expect([streamA.status, streamB.status, streamDefault.status]).toEqual([200, 200, 200]);
      const ofDock = (client: SseClient, dock: string) =>
        client.of('progress').filter((m) => (m.data as Json).gatewaySn === dock);
      // The live consumer starts at the latest offset once it has joined: keep producing.
      await eventually(
        async () => {
          await harness.produce([progress(dockA, flightA), progress(dockB, flightB)]);
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect(ofDock(streamA, dockA).length).toBeGreaterThan(0);
          expect(ofDock(streamB, dockB).length).toBeGreaterThan(0);
        },
        { timeoutMs: 30_000, intervalMs: 300 },
      );
      expect(ofDock(streamA, dockB)).toEqual([]);
      expect(ofDock(streamB, dockA)).toEqual([]);
      expect([...ofDock(streamDefault, dockA), ...ofDock(streamDefault, dockB)]).toEqual([]);
      // A ticket of the default organization opens only the default organization's stream.
      const plainTicket = await harness.streamTicket();
      expect(plainTicket.ticket.startsWith('st1.')).toBe(true);
      expect(ticket.startsWith('st2.')).toBe(true);
    } finally {
      await Promise.all([streamA.close(), streamB.close(), streamDefault.close()]);
    }
  });

  it('gives rows stored before organizations existed to the default organization', async () => {
    const migrated = new TelemetryHarness();
    const before = await createPostgresDataSource({
      url: infraSettings.databaseUrl,
      schema: migrated.schema,
      entities: [],
      migrations: [CreateTelemetrySchema1732100000000],
      logger: createLogger({ service: 'it-migration', level: 'fatal' }),
    });
    const dock = sn('DOCKOLD');
    const flight = `${dock}-F`;
    const at = new Date(Date.now() - 60_000);
    const key = (n: number) => [dock, `k${n}`, `t${n}`, 'b'];
    await before.query(
      `INSERT INTO progress_reports (gateway_sn, dedupe_key, tid, bid, flight_id, status, is_final,
         result, event_at, received_at) VALUES ($1, $2, $3, $4, $5, 'in_progress', false, 0, $6, $6)`,
      [...key(1), flight, at],
    );
    await before.query(
      `INSERT INTO flight_latest (flight_id, gateway_sn, dedupe_key, tid, bid, status, is_final,
         result, event_at, received_at, first_event_at)
       VALUES ($5, $1, $2, $3, $4, 'in_progress', false, 0, $6, $6, $6)`,
      [...key(1), flight, at],
    );
    await before.query(
      `INSERT INTO dock_latest (gateway_sn, progress_flight_id, progress_event_at,
         progress_received_at, progress_dedupe_key) VALUES ($1, $2, $3, $3, 'k1')`,
      [dock, flight, at],
    );
    const points = JSON.stringify([{ latitude: 22.5, longitude: 113.9, height: 100 }]);
    await before.query(
      `INSERT INTO rth_paths (gateway_sn, dedupe_key, tid, bid, flight_id, points, point_count,
         event_at, received_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)`,
      [...key(2), flight, points, at],
    );
    await before.query(
      `INSERT INTO rth_latest (flight_id, gateway_sn, dedupe_key, tid, bid, points, point_count,
         event_at, received_at) VALUES ($5, $1, $2, $3, $4, $6, 1, $7, $7)`,
      [...key(2), flight, points, at],
    );
    await before.query(
      `INSERT INTO exit_homing_notices (gateway_sn, dedupe_key, tid, bid, action, action_label,
         reason, reason_label, event_at, received_at) VALUES ($1, $2, $3, $4, 1, 'a', 6, 'r', $5, $5)`,
      [...key(3), at],
    );
    await before.query(
      `INSERT INTO ready_notices (gateway_sn, dedupe_key, tid, bid, flight_ids, event_at,
         received_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
      [...key(4), [flight], at],
    );
    await before.destroy();

    await migrated.setUp();
    try {
      const get = async (path: string, organization?: string) =>
        (await migrated.get<Json>(path, TOKEN, organization)).status;
      for (const path of [
        `/flights/${flight}`,
        `/flights/${flight}/rth-trajectory`,
        `/docks/${dock}`,
        `/docks/${dock}/rth-trajectory`,
      ]) {
        expect(await get(path)).toBe(200);
        expect(await get(path, orgA)).toBe(404);
      }
      const notices = await migrated.get<{ items: Json[] }>(`/docks/${dock}/exit-homing-notices`);
      expect(notices.body.items).toHaveLength(1);
      for (const table of [
        'progress_reports',
        'flight_latest',
        'dock_latest',
        'rth_paths',
        'rth_latest',
        'exit_homing_notices',
        'ready_notices',
      ]) {
        const rows = await migrated.db.query<{ organization_id: string }>(
          `SELECT organization_id FROM "${migrated.schema}".${table}`,
        );
        expect(rows.rows.map((r) => r.organization_id)).toEqual([DEFAULT_ORGANIZATION_ID]);
        const column = await migrated.db.query<{ is_nullable: string; column_default: unknown }>(
          `SELECT is_nullable, column_default FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = $2 AND column_name = 'organization_id'`,
          [migrated.schema, table],
        );
        expect(column.rows).toEqual([{ is_nullable: 'NO', column_default: null }]);
      }
    } finally {
      await migrated.tearDown();
    }
  });
});
