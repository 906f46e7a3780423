// The telemetry service against real Kafka and PostgreSQL: records produced to the real uplink
// topics as the gateway writes them, results read back through the HTTP API.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { undocumentedRoutes } from '@dock/platform';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import { SseClient } from './support/sse-client';
import { TelemetryHarness } from './support/telemetry-harness';
import {
  eventsTopic,
  progressPayload,
  ProducedRecord,
  statusTopic,
  uplinkRecord,
} from './support/uplink-records';

jest.setTimeout(120_000);

interface Page<T> {
  items: T[];
  next: string | null;
}
interface Progress {
  flightId: string;
  gatewaySn: string;
  tid: string;
  status: string;
  statusLabel: string;
  final: boolean;
  result: number;
  resultMeaning: string;
  currentStep: number | null;
  currentStepLabel: string | null;
  percent: number | null;
  waypointIndex: number | null;
  waylineMissionStateLabel: string | null;
  mediaCount: number | null;
  breakPoint: Record<string, unknown> | null;
  reportedAt: string;
}
interface Dock {
  gatewaySn: string;
  dockOnline: boolean | null;
  aircraftOnline: boolean | null;
  aircraftSn: string | null;
  lastRthFlightId: string | null;
  progress: Progress | null;
}
interface Feature {
  type: 'Feature';
  geometry: { type: string; coordinates: number[][] };
  properties: {
    lastPointType: number | null;
    connectsToReturnPoint: boolean | null;
    pointCount: number;
  };
}
interface ExitNotice {
  action: number;
  actionLabel: string;
  reason: number;
  reasonLabel: string;
  reportedAt: string;
  sn: string | null;
}

const FIXTURE = path.resolve(
  __dirname,
  '../../../../shared/fixtures/real-dock3-flight/dock-events.jsonl',
);
const FIXTURE_SN = 'SN_DOCK_FIXTURE';

/** The recorded Dock 3 flight's events, moved to a dock SN of this run. */
function recordedEvents(sn: string, methods: string[]): ProducedRecord[] {
  return readFileSync(FIXTURE, 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as { topic: string; payload: { method: string; gateway?: string } },
    )
    .filter((line) => methods.includes(line.payload.method))
    .map((line) =>
      uplinkRecord(line.topic.replace(FIXTURE_SN, sn), { ...line.payload, gateway: sn }),
    );
}

describe('telemetry service', () => {
  const harness = new TelemetryHarness();
  const run = uniqueName('T').toUpperCase().replace(/-/g, '');
  const sn = (name: string) => `${run}${name}`;

  beforeAll(async () => {
    await harness.setUp();
  });

  afterAll(async () => {
    await harness.tearDown();
  });

  describe('flighttask_progress', () => {
    const dock = sn('REAL');
    const flight = 'T-FIXTURE-001';

    beforeAll(async () => {
      await harness.produce(recordedEvents(dock, ['flighttask_progress', 'return_home_info']));
    });

    it('stores every report of the recorded flight as its timeline, in dock time order', async () => {
      const page = await eventually(
        async () => {
          const response = await harness.get<Page<Progress>>(
            `/flights/${flight}/progress?limit=1000`,
          );
          expect(response.status).toBe(200);
          expect(response.body.items).toHaveLength(35);
          return response.body;
        },
        { timeoutMs: 30_000 },
      );
      const times = page.items.map((p) => Date.parse(p.reportedAt));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(page.items[0]).toMatchObject({
        gatewaySn: dock,
        status: 'in_progress',
        statusLabel: 'in progress',
        currentStep: 27,
        currentStepLabel: 'Dock uploading flight system logs',
        percent: 90,
        waylineMissionStateLabel: 'Entering the wayline, arriving at the first waypoint',
      });
      expect(page.items.at(-1)).toMatchObject({
        status: 'failed',
        final: true,
        result: 322283,
        resultMeaning: 'user triggered return to home',
        currentStep: 36,
        percent: 95,
        waypointIndex: 1,
        mediaCount: 0,
        breakPoint: { break_reason: 1283, index: 0, stateLabel: 'On a wayline segment' },
      });
    });

    it('pages a timeline with a cursor', async () => {
      const first = await harness.get<Page<Progress>>(`/flights/${flight}/progress?limit=20`);
      expect(first.body.items).toHaveLength(20);
      expect(first.body.next).toEqual(expect.any(String));
      const second = await harness.get<Page<Progress>>(
        `/flights/${flight}/progress?limit=20&after=${first.body.next}`,
      );
      expect(second.body.items).toHaveLength(15);
      expect(second.body.next).toBeNull();
      const tids = [...first.body.items, ...second.body.items].map((p) => p.tid);
      expect(new Set(tids).size).toBe(35);
      expect((await harness.get(`/flights/${flight}/progress?after=bogus`)).status).toBe(400);
    });

    it('keeps the latest state per flight and per dock', async () => {
      const state = await harness.get<{ latest: Progress; gatewaySn: string }>(
        `/flights/${flight}`,
      );
      expect(state.status).toBe(200);
      expect(state.body).toMatchObject({
        gatewaySn: dock,
        latest: { status: 'failed', final: true },
      });
      const dockState = await harness.get<Dock>(`/docks/${dock}`);
      expect(dockState.body.progress).toMatchObject({ flightId: flight, status: 'failed' });
      expect((await harness.get(`/flights/NO-SUCH-FLIGHT`)).status).toBe(404);
    });

    it('does not let a late, older report overwrite a newer latest state', async () => {
      const lateDock = sn('LATE');
      const flightId = `${run}-LATE`;
      const now = Date.now();
      await harness.produce([
        uplinkRecord(
          eventsTopic(lateDock),
          progressPayload({
            sn: lateDock,
            flightId,
            tid: `${run}-l2`,
            timestamp: now,
            percent: 60,
          }),
        ),
        uplinkRecord(
          eventsTopic(lateDock),
          progressPayload({
            sn: lateDock,
            flightId,
            tid: `${run}-l1`,
            timestamp: now - 5_000,
            percent: 30,
          }),
        ),
      ]);
      const timeline = await eventually(async () => {
        const response = await harness.get<Page<Progress>>(`/flights/${flightId}/progress`);
        expect(response.body.items).toHaveLength(2);
        return response.body.items;
      });
      expect(timeline.map((p) => p.percent)).toEqual([30, 60]);
      expect(
        (await harness.get<{ latest: Progress }>(`/flights/${flightId}`)).body.latest.percent,
      ).toBe(60);
      expect((await harness.get<Dock>(`/docks/${lateDock}`)).body.progress?.percent).toBe(60);
    });
  });

  describe('return_home_info', () => {
    const dock = sn('REAL');
    const flight = 'T-FIXTURE-001';

    it("serves the flight's latest planned path as a GeoJSON LineString", async () => {
      const pushes = readFileSync(FIXTURE, 'utf8')
        .trim()
        .split('\n')
        .map(
          (l) =>
            JSON.parse(l) as {
              payload: {
                method: string;
                data: {
                  planned_path_points?: { latitude: number; longitude: number; height: number }[];
                  last_point_type?: number;
                };
              };
            },
        )
        .filter(
          (l) =>
            l.payload.method === 'return_home_info' &&
            (l.payload.data.planned_path_points?.length ?? 0) > 0,
        );
      const last = pushes.at(-1)!.payload.data;

      const response = await eventually(
        async () => {
          const r = await harness.get<Feature>(`/flights/${flight}/rth-trajectory`);
          expect(r.status).toBe(200);
          expect(r.body.geometry.coordinates).toHaveLength(last.planned_path_points!.length);
          return r;
        },
        { timeoutMs: 30_000 },
      );
      expect(response.type).toContain('application/geo+json');
      expect(response.body).toMatchObject({
        type: 'Feature',
        geometry: {
          type: 'LineString',
          coordinates: last.planned_path_points!.map((p) => [p.longitude, p.latitude, p.height]),
        },
        properties: {
          flightId: flight,
          gatewaySn: dock,
          lastPointType: last.last_point_type,
          connectsToReturnPoint: last.last_point_type === 0,
        },
      });

      const history = await eventually(async () => {
        const r = await harness.get<{ features: Feature[] }>(
          `/flights/${flight}/rth-trajectories?limit=1000`,
        );
        expect(r.body.features).toHaveLength(pushes.length);
        return r.body;
      });
      expect(history.features.at(-1)?.geometry).toEqual(response.body.geometry);
      const dockPath = await harness.get<Feature>(`/docks/${dock}/rth-trajectory`);
      expect(dockPath.body.geometry).toEqual(response.body.geometry);
      expect((await harness.get<Dock>(`/docks/${dock}`)).body.lastRthFlightId).toBe(flight);
      // All 104 pushes are stored, the 7 empty ones (the return ended) included.
      expect(await harness.count('rth_paths', 'gateway_sn = $1', [dock])).toBe(104);
    });
  });

  describe('device_exit_homing_notify', () => {
    const dock = sn('EXIT');
    const base = Date.UTC(2026, 4, 21, 8, 0, 0);
    const notice = (tid: string, timestamp: number, reason: string | number) =>
      uplinkRecord(eventsTopic(dock), {
        bid: `${run}-exit`,
        tid,
        'timestamp:': timestamp, // trap 1, as in the spec example
        method: 'device_exit_homing_notify',
        need_reply: true,
        data: { action: 1, reason, sn: dock },
      });

    it('stores notices with labels and serves them by dock and time range', async () => {
      await harness.produce([
        notice(`${run}-x1`, base, '0'),
        notice(`${run}-x2`, base + 60_000, 6),
        notice(`${run}-x3`, base + 120_000, 42),
      ]);
      const all = await eventually(async () => {
        const r = await harness.get<Page<ExitNotice>>(`/docks/${dock}/exit-homing-notices`);
        expect(r.body.items).toHaveLength(3);
        return r.body.items;
      });
      expect(all[0]).toMatchObject({
        action: 1,
        actionLabel: 'Entered the exiting-RTH state (the aircraft aborts its return)',
        reason: 0,
        reasonLabel: 'Joystick throttle applied',
        sn: dock,
      });
      expect(all[2]).toMatchObject({ reason: 42, reasonLabel: 'unknown (42)' });

      const from = new Date(base + 30_000).toISOString();
      const ranged = await harness.get<Page<ExitNotice>>(
        `/docks/${dock}/exit-homing-notices?from=${from}&to=${base + 120_000}`,
      );
      expect(ranged.body.items.map((n) => n.reason)).toEqual([6]);
      expect((await harness.get(`/docks/${dock}/exit-homing-notices?from=yesterday`)).status).toBe(
        400,
      );
    });

    it('stores a duplicate MQTT delivery (same tid) once', async () => {
      const dup = sn('DUP');
      const record = uplinkRecord(eventsTopic(dup), {
        bid: 'b',
        tid: `${run}-dup`,
        timestamp: base,
        method: 'device_exit_homing_notify',
        data: { action: 0, reason: 1 },
      });
      const marker = uplinkRecord(eventsTopic(dup), {
        bid: 'b',
        tid: `${run}-dup-marker`,
        timestamp: base + 1,
        method: 'device_exit_homing_notify',
        data: { action: 0, reason: 2 },
      });
      await harness.produce([record, record]);
      await harness.produce([record, marker]);
      const items = await eventually(async () => {
        const r = await harness.get<Page<ExitNotice>>(`/docks/${dup}/exit-homing-notices`);
        expect(r.body.items.map((n) => n.reason)).toContain(2);
        return r.body.items;
      });
      expect(items.map((n) => n.reason)).toEqual([1, 2]);
    });
  });

  describe('flighttask_ready and update_topo', () => {
    it('records when a conditional flight became ready', async () => {
      const dock = sn('READY');
      const flightId = `${run}-COND`;
      await harness.produce([
        uplinkRecord(eventsTopic(dock), {
          bid: 'b',
          tid: `${run}-ready`,
          timestamp: Date.now() - 1000,
          method: 'flighttask_ready',
          data: { flight_ids: [flightId, 'bbbbbbb'] },
        }),
        uplinkRecord(
          eventsTopic(dock),
          progressPayload({
            sn: dock,
            flightId,
            tid: `${run}-r1`,
            timestamp: Date.now(),
            status: 'sent',
            percent: 0,
          }),
        ),
      ]);
      const state = await eventually(async () => {
        const r = await harness.get<{ readyAt: string | null }>(`/flights/${flightId}`);
        expect(r.status).toBe(200);
        expect(r.body.readyAt).not.toBeNull();
        return r.body;
      });
      expect(Date.parse(state.readyAt!)).toBeLessThan(Date.now());
    });

    it('tracks dock and aircraft online state (sub_devices [] = aircraft offline)', async () => {
      const dock = sn('TOPO');
      const now = Date.now();
      const topo = (tid: string, timestamp: number, subDevices: unknown[]) =>
        uplinkRecord(statusTopic(dock), {
          tid,
          bid: 'b',
          timestamp,
          method: 'update_topo',
          data: {
            domain: '3',
            type: 119,
            sub_type: 0,
            device_secret: 'secret',
            nonce: 'n',
            sub_devices: subDevices,
          },
        });
      await harness.produce([
        topo(`${run}-t1`, now - 2000, [
          { sn: 'DRONE-1', domain: '0', type: 100, sub_type: 1, index: 'A' },
        ]),
      ]);
      await eventually(async () => {
        const r = await harness.get<Dock>(`/docks/${dock}`);
        expect(r.body).toMatchObject({
          dockOnline: true,
          aircraftOnline: true,
          aircraftSn: 'DRONE-1',
        });
      });
      await harness.produce([topo(`${run}-t2`, now, [])]);
      await eventually(async () => {
        const r = await harness.get<Dock>(`/docks/${dock}`);
        expect(r.body).toMatchObject({ dockOnline: true, aircraftOnline: false, aircraftSn: null });
      });
    });
  });

  describe('bad input', () => {
    it('logs and counts records it cannot store, and goes on with the next ones', async () => {
      const dock = sn('BAD');
      const valid = uplinkRecord(
        eventsTopic(dock),
        progressPayload({
          sn: dock,
          flightId: `${dock}-F`,
          tid: `${run}-ok`,
          timestamp: Date.now(),
        }),
      );
      const notJson = {
        topic: valid.topic,
        message: { ...valid.message, value: Buffer.from('{nope') },
      };
      const offContract = {
        topic: valid.topic,
        message: { ...valid.message, value: Buffer.from(JSON.stringify({ schemaVersion: 2 })) },
      };
      const record = JSON.parse(valid.message.value!.toString()) as Record<string, unknown>;
      const badData = {
        topic: valid.topic,
        message: {
          ...valid.message,
          value: Buffer.from(
            JSON.stringify({ ...record, tid: `${run}-bad`, data: { output: 'x' } }),
          ),
        },
      };
      // Same key: same partition, so the valid record comes after the bad ones.
      await harness.produce([notJson, offContract, badData, valid]);
      await eventually(async () =>
        expect((await harness.get(`/flights/${dock}-F`)).status).toBe(200),
      );
      expect(await harness.count('progress_reports', 'gateway_sn = $1', [dock])).toBe(1);
      const metrics = await (await fetch(`${harness.baseUrl}/metrics`)).text();
      const invalid = /telemetry_records_total\{[^}]*outcome="invalid"[^}]*\} (\d+)/.exec(metrics);
      expect(Number(invalid?.[1])).toBeGreaterThanOrEqual(3);
    });
  });

  describe('a burst from the fleet', () => {
    const docks = 200;
    const perDock = 50;

    it('stores 10,000 progress events from 200 docks completely', async () => {
      const prefix = sn('BURST');
      const start = Date.now() - 60_000;
      const records: ProducedRecord[] = [];
      for (let i = 0; i < perDock; i++) {
        for (let d = 0; d < docks; d++) {
          const dock = `${prefix}${String(d).padStart(3, '0')}`;
          records.push(
            uplinkRecord(
              eventsTopic(dock),
              progressPayload({
                sn: dock,
                flightId: `${dock}-F`,
                tid: `${dock}-${i}`,
                timestamp: start + i * 100,
                percent: i * 2,
                waypoint: i,
              }),
            ),
          );
        }
      }
      const started = Date.now();
      await harness.produce(records, 1000);

      await eventually(
        async () => {
          const r = await harness.get<Page<Dock>>(`/docks?snPrefix=${prefix}&limit=500`);
          expect(r.body.items).toHaveLength(docks);
          expect(
            r.body.items.filter((d) => d.progress?.percent === (perDock - 1) * 2),
          ).toHaveLength(docks);
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(await harness.count('progress_reports', 'starts_with(gateway_sn, $1)', [prefix])).toBe(
        docks * perDock,
      );
      process.stdout.write(
        `telemetry burst: ${records.length} records stored in ${Date.now() - started} ms\n`,
      );

      // Every flight's timeline is complete through the API, paged across the fleet listing too.
      const firstPage = await harness.get<Page<Dock>>(`/docks?snPrefix=${prefix}&limit=150`);
      const secondPage = await harness.get<Page<Dock>>(
        `/docks?snPrefix=${prefix}&limit=150&after=${firstPage.body.next}`,
      );
      expect(firstPage.body.items.length + secondPage.body.items.length).toBe(docks);
      const flights = [...firstPage.body.items, ...secondPage.body.items].map(
        (d) => d.progress!.flightId,
      );
      for (let i = 0; i < flights.length; i += 20) {
        const pages = await Promise.all(
          flights
            .slice(i, i + 20)
            .map((f) => harness.get<Page<Progress>>(`/flights/${f}/progress?limit=1000`)),
        );
        for (const page of pages) {
          expect(page.body.items.map((p) => p.waypointIndex)).toEqual([...Array(perDock).keys()]);
        }
      }
    });
  });

  describe('live stream', () => {
    it("pushes one dock's progress and RTH updates to an HTTP client", async () => {
      const dock = sn('LIVE');
      const other = sn('LIVEOTHER');
      const client = new SseClient();
      await client.open(`${harness.baseUrl}/stream?dock=${dock}`, 'telemetry-it-token');
      const everything = new SseClient();
      await everything.open(`${harness.baseUrl}/stream?events=progress`, 'telemetry-it-token');
      try {
        expect(client.status).toBe(200);
        // The live consumer starts at the latest offset once it has joined: keep producing
        // fresh reports until the first arrives, then check the rest.
        let n = 0;
        await eventually(
          async () => {
            n += 1;
            await harness.produce([
              uplinkRecord(
                eventsTopic(other),
                progressPayload({
                  sn: other,
                  flightId: `${other}-F`,
                  tid: `${run}-o${n}`,
                  timestamp: Date.now(),
                }),
              ),
              uplinkRecord(
                eventsTopic(dock),
                progressPayload({
                  sn: dock,
                  flightId: `${dock}-F`,
                  tid: `${run}-live${n}`,
                  timestamp: Date.now(),
                  percent: 42,
                }),
              ),
            ]);
            await new Promise((resolve) => setTimeout(resolve, 200));
            expect(client.of('progress').length).toBeGreaterThan(0);
          },
          { timeoutMs: 30_000, intervalMs: 300 },
        );
        expect(client.of('progress')[0].data).toMatchObject({
          gatewaySn: dock,
          percent: 42,
          statusLabel: 'in progress',
        });

        const rth = uplinkRecord(eventsTopic(dock), {
          bid: 'b',
          tid: `${run}-live-rth`,
          timestamp: Date.now(),
          method: 'return_home_info',
          data: {
            flight_id: `${dock}-F`,
            last_point_type: 1,
            planned_path_points: [
              { latitude: 22.5, longitude: 113.9, height: 100 },
              { latitude: 22.6, longitude: 113.95, height: 120 },
            ],
          },
        });
        await harness.produce([rth, rth]); // a duplicate delivery is shown once
        await eventually(() => expect(client.of('rth')).toHaveLength(1));
        expect(client.of('rth')[0].data).toMatchObject({
          flightId: `${dock}-F`,
          trajectory: {
            type: 'Feature',
            geometry: {
              type: 'LineString',
              coordinates: [
                [113.9, 22.5, 100],
                [113.95, 22.6, 120],
              ],
            },
            properties: { lastPointType: 1, connectsToReturnPoint: false },
          },
        });
        // Only the chosen dock on the filtered stream; every dock on the other.
        expect(
          client.messages.every(
            (m) =>
              m.event === 'heartbeat' ||
              (m.data as { gatewaySn?: string; trajectory?: unknown }).gatewaySn === dock ||
              m.event === 'rth',
          ),
        ).toBe(true);
        await eventually(() =>
          expect(everything.of('progress').map((m) => (m.data as Progress).gatewaySn)).toContain(
            other,
          ),
        );
        expect(everything.of('rth')).toHaveLength(0);
        await eventually(() => expect(client.of('heartbeat').length).toBeGreaterThan(0), {
          timeoutMs: 5_000,
        });
      } finally {
        await client.close();
        await everything.close();
      }
    });

    it('refuses a client without a token and a bad filter', async () => {
      const anonymous = new SseClient();
      await anonymous.open(`${harness.baseUrl}/stream`, 'wrong-token');
      expect(anonymous.status).toBe(401);
      expect((await harness.get('/stream?events=nonsense')).status).toBe(400);
    });
  });

  describe('API surface', () => {
    it('requires a bearer token except on health and metrics', async () => {
      expect((await harness.get('/docks', null)).status).toBe(401);
      expect((await harness.get('/docks', 'not-a-token')).status).toBe(401);
      expect((await harness.get('/health/live', null)).status).toBe(200);
      const metrics = await fetch(`${harness.baseUrl}/metrics`);
      expect(await metrics.text()).toContain('telemetry_records_total');
    });

    it('documents every route in OpenAPI', async () => {
      const doc = await harness.get<OpenAPIObject>('/docs/openapi.json', null);
      expect(doc.status).toBe(200);
      expect(undocumentedRoutes(harness.app, doc.body)).toEqual([]);
      for (const route of [
        '/flights/{flightId}',
        '/flights/{flightId}/progress',
        '/flights/{flightId}/rth-trajectory',
        '/flights/{flightId}/rth-trajectories',
        '/docks',
        '/docks/{sn}',
        '/docks/{sn}/rth-trajectory',
        '/docks/{sn}/exit-homing-notices',
        '/stream',
      ]) {
        expect(doc.body.paths[route]?.get).toBeDefined();
      }
      expect(doc.body.components?.securitySchemes?.bearer).toBeDefined();

      // The committed contract other teams build from stays what the service serves.
      // Regenerate with: UPDATE_OPENAPI=1 npx jest test/integration/telemetry --selectProjects integration
      const snapshot = path.resolve(__dirname, '../../../docs/openapi/telemetry.json');
      const served = `${JSON.stringify(doc.body, null, 2)}\n`;
      if (process.env.UPDATE_OPENAPI === '1') writeFileSync(snapshot, served);
      expect(served).toBe(readFileSync(snapshot, 'utf8'));
    });
  });

  describe('retention', () => {
    it('removes history received longer ago than TELEMETRY_RETENTION_DAYS in the background', async () => {
      const dock = sn('OLD');
      const flightId = `${dock}-F`;
      const old = Date.now() - 40 * 86_400_000;
      await harness.produce([
        uplinkRecord(
          eventsTopic(dock),
          progressPayload({ sn: dock, flightId, tid: `${run}-old`, timestamp: old, percent: 10 }),
          old,
        ),
        uplinkRecord(
          eventsTopic(dock),
          progressPayload({
            sn: dock,
            flightId,
            tid: `${run}-new`,
            timestamp: Date.now(),
            percent: 20,
          }),
        ),
      ]);
      await eventually(
        async () => {
          const r = await harness.get<Page<Progress>>(`/flights/${flightId}/progress`);
          expect(r.body.items.map((p) => p.percent)).toEqual([20]);
        },
        { timeoutMs: 20_000 },
      );
      // The pass counts its deletions once it has finished every table.
      await eventually(async () => {
        const metrics = await (await fetch(`${harness.baseUrl}/metrics`)).text();
        expect(metrics).toMatch(
          /telemetry_retention_deleted_rows_total\{table="progress_reports"[^}]*\} [1-9]/,
        );
      });
    });
  });

  describe('redelivery', () => {
    it("stores a rewound consumer group's redelivered records once", async () => {
      const prefix = sn('BURST');
      const before = {
        progress: await harness.count('progress_reports', 'true', []),
        rth: await harness.count('rth_paths', 'true', []),
        exit: await harness.count('exit_homing_notices', 'true', []),
        ready: await harness.count('ready_notices', 'true', []),
      };
      expect(await harness.count('progress_reports', 'starts_with(gateway_sn, $1)', [prefix])).toBe(
        10_000,
      );

      // Stop the service, rewind its group to the start of the run, start it again: Kafka
      // redelivers every record this run produced, as after a crash before the commits.
      await harness.stop();
      await harness.rewindGroup();
      await harness.start();
      const dock = sn('REPLAY');
      await harness.produce([
        uplinkRecord(
          eventsTopic(dock),
          progressPayload({
            sn: dock,
            flightId: `${dock}-F`,
            tid: `${run}-replay`,
            timestamp: Date.now(),
          }),
        ),
      ]);
      await eventually(
        async () => expect((await harness.get(`/flights/${dock}-F`)).status).toBe(200),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      // Every partition replayed and committed, not only the marker's.
      await eventually(async () => expect(await harness.caughtUp()).toBe(true), {
        timeoutMs: 60_000,
        intervalMs: 250,
      });
      expect(await harness.count('progress_reports', 'starts_with(gateway_sn, $1)', [prefix])).toBe(
        10_000,
      );
      expect(await harness.count('rth_paths', 'true', [])).toBe(before.rth);
      expect(await harness.count('exit_homing_notices', 'true', [])).toBe(before.exit);
      expect(await harness.count('ready_notices', 'true', [])).toBe(before.ready);
      // +1 for the marker; the old row of the retention test may be re-stored until the next pass.
      const progress = await harness.count(
        'progress_reports',
        "received_at > now() - interval '1 day'",
        [],
      );
      expect(progress).toBe(before.progress + 1);
    });
  });
});
