// The telemetry service against real Kafka and PostgreSQL: records produced to the real uplink
// topics as the gateway writes them, results read back through the HTTP API.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { HmsAlertRecord, KAFKA_TOPICS, MediaRecord } from '@dock/contracts';
import { encodeRecord } from '@dock/kafka';
import { undocumentedRoutes } from '@dock/platform';
import { issueStreamTicket } from '../../../apps/telemetry/src/domain/stream-ticket';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import { SseClient } from './support/sse-client';
import { StalledSseClient } from './support/stalled-sse-client';
import {
  SECOND_TOKEN,
  SSE_MAX_BUFFERED_BYTES,
  STREAM_CAPS,
  TelemetryHarness,
  TOKEN,
} from './support/telemetry-harness';
import {
  eventsTopic,
  osdTopic,
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
  position: {
    latitude: number;
    longitude: number;
    height: number | null;
    reportedAt: string;
  } | null;
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

/** A request whose answer may be a stream: the body is read only when it is not one. */
async function probe(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; type: string; wwwAuthenticate: string | null; message: string }> {
  const response = await fetch(url, {
    ...init,
    headers: { accept: 'text/event-stream', ...init.headers },
  });
  const type = response.headers.get('content-type') ?? '';
  let message = '';
  if (type.startsWith('text/event-stream')) await response.body?.cancel();
  else
    message = String(
      (JSON.parse((await response.text()) || '{}') as { message?: unknown }).message,
    );
  return {
    status: response.status,
    type,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    message,
  };
}

/** A planned return path of `points` points: a large live update (~35 bytes a point). */
function rthPush(dock: string, tid: string, points: number): ProducedRecord {
  return uplinkRecord(eventsTopic(dock), {
    bid: 'b',
    tid,
    timestamp: Date.now(),
    method: 'return_home_info',
    data: {
      flight_id: `${dock}-F`,
      last_point_type: 0,
      planned_path_points: Array.from({ length: points }, (_, i) => ({
        latitude: 22.5 + i * 1e-5,
        longitude: 113.9 + i * 1e-5,
        height: 100 + (i % 50),
      })),
    },
  });
}

describe('telemetry service', () => {
  const harness = new TelemetryHarness();
  const run = uniqueName('T').toUpperCase().replace(/-/g, '');
  const sn = (name: string) => `${run}${name}`;

  /**
   * The live consumer starts at the latest offset once it has joined: keep producing fresh
   * progress reports of `dock` until `client` has one (returns the tids produced).
   */
  async function untilLive(dock: string, client: SseClient, label: string): Promise<string[]> {
    const tids: string[] = [];
    await eventually(
      async () => {
        const tid = `${run}-${label}${tids.length}`;
        tids.push(tid);
        await harness.produce([
          uplinkRecord(
            eventsTopic(dock),
            progressPayload({ sn: dock, flightId: `${dock}-F`, tid, timestamp: Date.now() }),
          ),
        ]);
        await eventually(() => expect(client.of('progress').length).toBeGreaterThan(0), {
          timeoutMs: 500,
        });
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return tids;
  }

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

  describe('progress from another dock', () => {
    it("records and flags progress one dock sends for another dock's flight, never as its progress", async () => {
      const owner = sn('OWNER');
      const intruder = sn('INTRUDER');
      const flightId = `${run}-OWNED`;
      const now = Date.now();
      await harness.produce([
        uplinkRecord(
          eventsTopic(owner),
          progressPayload({ sn: owner, flightId, tid: `${run}-o1`, timestamp: now, percent: 10 }),
        ),
      ]);
      await eventually(async () =>
        expect((await harness.get(`/flights/${flightId}`)).status).toBe(200),
      );
      await harness.produce([
        uplinkRecord(
          eventsTopic(intruder),
          progressPayload({
            sn: intruder,
            flightId,
            tid: `${run}-i1`,
            timestamp: now + 1_000,
            percent: 99,
            status: 'ok',
          }),
        ),
        uplinkRecord(
          eventsTopic(owner),
          progressPayload({
            sn: owner,
            flightId,
            tid: `${run}-o2`,
            timestamp: now + 2_000,
            percent: 20,
          }),
        ),
      ]);
      await eventually(async () =>
        expect(
          await harness.count('progress_reports', 'flight_id = $1 AND from_other_dock', [flightId]),
        ).toBe(1),
      );
      const timeline = await eventually(async () => {
        const response = await harness.get<Page<Progress>>(`/flights/${flightId}/progress`);
        expect(response.body.items).toHaveLength(2);
        return response.body.items;
      });
      expect(timeline.map((p) => p.percent)).toEqual([10, 20]);
      const state = await harness.get<{ gatewaySn: string; latest: Progress }>(
        `/flights/${flightId}`,
      );
      expect(state.body).toMatchObject({ gatewaySn: owner, latest: { percent: 20 } });
      expect((await harness.get<Dock>(`/docks/${intruder}`)).body.progress ?? null).toBeNull();
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

  describe('dock osd', () => {
    it("keeps the dock's newest position from its own osd, never its aircraft's, in its organization", async () => {
      const dock = sn('OSD');
      const aircraft = sn('OSDAC');
      const now = Date.now();
      const osd = (tid: string, timestamp: number, latitude: number, longitude: number) =>
        uplinkRecord(osdTopic(dock), {
          tid,
          bid: 'b',
          timestamp,
          gateway: dock,
          data: {
            drone_in_dock: 1,
            home_position_is_valid: 1,
            latitude,
            longitude,
            height: 41.5,
            mode_code: 0,
          },
        });
      await harness.produce([
        osd(`${run}-o1`, now - 1000, 29.9235956, 121.6634755),
        // The aircraft's osd (its own topic, the dock in `gateway`): where it flies, not the dock.
        uplinkRecord(osdTopic(aircraft), {
          tid: `${run}-o2`,
          bid: 'b',
          timestamp: now,
          gateway: dock,
          data: { latitude: 30.5, longitude: 122.5, height: 120, mode_code: 3 },
        }),
      ]);
      await eventually(async () => {
        const r = await harness.get<Dock>(`/docks/${dock}`);
        expect(r.status).toBe(200);
        expect(r.body.position).toEqual({
          latitude: 29.9235956,
          longitude: 121.6634755,
          height: 41.5,
          reportedAt: new Date(now - 1000).toISOString(),
        });
      });
      // A newer push moves it; a late older one does not move it back.
      await harness.produce([
        osd(`${run}-o3`, now + 1000, 29.93, 121.67),
        osd(`${run}-o4`, now - 5000, 10, 10),
      ]);
      await eventually(async () => {
        const r = await harness.get<Page<Dock>>(`/docks?snPrefix=${dock}`);
        const listed = r.body.items.find((d) => d.gatewaySn === dock);
        expect(listed?.position).toMatchObject({ latitude: 29.93, longitude: 121.67 });
      });
      expect((await harness.get(`/docks/${aircraft}`)).status).toBe(404);
      // Another organization does not see the dock (nor its position): an admin token acting in it.
      const other = await harness.get(
        `/docks/${dock}`,
        harness.tokens.admin,
        '00000000-0000-4000-8000-0000000000ff',
      );
      expect(other.status).toBe(404);
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
    it("shows HMS alerts from the alerts service (alerts.hms) as `hms` events, to the alert's organization only", async () => {
      const dock = sn('LIVEHMS');
      const organization = sn('org-hms');
      const client = new SseClient();
      // An admin token acts in the organization X-Organization-Id names.
      await client.open(`${harness.baseUrl}/stream?dock=${dock}&events=hms`, harness.tokens.admin, {
        'X-Organization-Id': organization,
      });
      const byDefault = new SseClient();
      await byDefault.open(`${harness.baseUrl}/stream?dock=${dock}&events=hms`, TOKEN);
      try {
        let n = 0;
        // The live consumer starts at the latest offset once joined: produce until one arrives.
        await eventually(
          async () => {
            n += 1;
            const alert: HmsAlertRecord = {
              schemaVersion: 1,
              id: `${dock}-${n}:raised`,
              type: 'raised',
              alertId: `${dock}-${n}`,
              organizationId: organization,
              gatewaySn: dock,
              flightId: null,
              deviceType: '0-67-0',
              code: '0x16100083',
              level: 2,
              module: 3,
              inTheSky: false,
              imminent: false,
              componentIndex: 0,
              sensorIndex: 0,
              args: {},
              message: null,
              firstSeenAt: Date.now(),
              lastSeenAt: Date.now(),
              clearedAt: null,
              count: 1,
              at: Date.now(),
            };
            await harness.produce([
              { topic: KAFKA_TOPICS.hmsAlerts, message: encodeRecord(dock, alert) },
            ]);
            await new Promise((resolve) => setTimeout(resolve, 200));
            expect(client.of('hms').length).toBeGreaterThan(0);
          },
          { timeoutMs: 30_000, intervalMs: 300 },
        );
        expect(client.of('hms')[0].data).toMatchObject({
          type: 'raised',
          gatewaySn: dock,
          code: '0x16100083',
          organizationId: organization,
        });
        // Same replica, same records: the default organization's stream saw none of them.
        expect(byDefault.of('hms')).toEqual([]);
      } finally {
        await client.close();
        await byDefault.close();
      }
    });

    it("shows media records from the media service (media.records) as `media` events, to the record's organization only", async () => {
      const dock = sn('LIVEMEDIA');
      const organization = sn('org-media');
      const client = new SseClient();
      await client.open(
        `${harness.baseUrl}/stream?dock=${dock}&events=media`,
        harness.tokens.admin,
        {
          'X-Organization-Id': organization,
        },
      );
      const byDefault = new SseClient();
      await byDefault.open(`${harness.baseUrl}/stream?dock=${dock}&events=media`, TOKEN);
      try {
        let n = 0;
        // The live consumer starts at the latest offset once joined: produce until one arrives.
        await eventually(
          async () => {
            n += 1;
            const record: MediaRecord = {
              schemaVersion: 1,
              kind: 'flight',
              organizationId: organization,
              gatewaySn: dock,
              flightId: `${dock}-F${n}`,
              status: 'complete',
              expected: 2,
              received: 2,
              at: Date.now(),
            };
            await harness.produce([
              { topic: KAFKA_TOPICS.mediaRecords, message: encodeRecord(dock, record) },
            ]);
            await new Promise((resolve) => setTimeout(resolve, 200));
            expect(client.of('media').length).toBeGreaterThan(0);
          },
          { timeoutMs: 30_000, intervalMs: 300 },
        );
        expect(client.of('media')[0].data).toMatchObject({
          kind: 'flight',
          gatewaySn: dock,
          status: 'complete',
          organizationId: organization,
        });
        expect(byDefault.of('media')).toEqual([]);
      } finally {
        await client.close();
        await byDefault.close();
      }
    });

    it("pushes one dock's progress and RTH updates to an HTTP client", async () => {
      const dock = sn('LIVE');
      const other = sn('LIVEOTHER');
      const client = new SseClient();
      await client.open(`${harness.baseUrl}/stream?dock=${dock}`, TOKEN);
      const everything = new SseClient();
      await everything.open(`${harness.baseUrl}/stream?events=progress`, TOKEN);
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
      expect((await harness.get('/stream?dock=a/b')).status).toBe(400);
    });
  });

  describe('live stream caps', () => {
    it('answers 429 past the per-token cap (tickets count for their token) and the total cap', async () => {
      const stream = `${harness.baseUrl}/stream`;
      const open: SseClient[] = [];
      const openOne = async (token: string | null, url = stream): Promise<SseClient> => {
        const client = new SseClient();
        await client.open(url, token);
        if (client.status === 200) open.push(client);
        return client;
      };
      try {
        for (let i = 0; i < STREAM_CAPS.perToken; i++) {
          expect((await openOne(SECOND_TOKEN)).status).toBe(200);
        }
        const refused = await probe(stream, {
          headers: { authorization: `Bearer ${SECOND_TOKEN}` },
        });
        expect(refused.status).toBe(429);
        expect(refused.message).toContain('TELEMETRY_STREAM_MAX_PER_TOKEN');
        const ticket = await fetch(`${harness.baseUrl}/stream/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${SECOND_TOKEN}` },
        });
        const { ticket: value } = (await ticket.json()) as { ticket: string };
        expect((await openOne(null, `${stream}?ticket=${encodeURIComponent(value)}`)).status).toBe(
          429,
        );

        // The other token still gets streams, until the service as a whole is full.
        let total: SseClient | undefined;
        for (let i = 0; i <= STREAM_CAPS.total && !total; i++) {
          const client = await openOne(TOKEN);
          if (client.status !== 200) total = client;
        }
        expect(total?.status).toBe(429);
        const full = await probe(stream, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(full.message).toContain('TELEMETRY_STREAM_MAX_CONNECTIONS');
      } finally {
        await Promise.all(open.map((client) => client.close()));
      }
      // Closed streams give their slots back.
      await eventually(async () => expect((await openOne(SECOND_TOKEN)).status).toBe(200));
      await Promise.all(open.map((client) => client.close()));
    });
  });

  describe('live stream from a browser (stream tickets)', () => {
    it('opens the stream with a ticket in the URL, as EventSource does, and receives events', async () => {
      const dock = sn('TICKET');
      const response = await fetch(`${harness.baseUrl}/stream/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const { ticket, expiresAt } = (await response.json()) as {
        ticket: string;
        expiresAt: string;
      };
      expect(ticket).not.toContain(TOKEN);
      const lifetime = Date.parse(expiresAt) - Date.now();
      expect(lifetime).toBeGreaterThan(50_000);
      expect(lifetime).toBeLessThanOrEqual(60_000);

      const client = new SseClient();
      await client.open(
        `${harness.baseUrl}/stream?dock=${dock}&ticket=${encodeURIComponent(ticket)}`,
        null,
      );
      // A second stream (an EventSource reconnecting) opens with the same ticket.
      const again = new SseClient();
      await again.open(`${harness.baseUrl}/stream?ticket=${encodeURIComponent(ticket)}`, null);
      try {
        expect(client.status).toBe(200);
        expect(again.status).toBe(200);
        expect(client.contentType).toContain('text/event-stream');
        await eventually(() => expect(client.retries).toEqual([5000]));
        const [tid] = await untilLive(dock, client, 'ticket');
        expect(client.of('progress')[0]?.data).toMatchObject({ gatewaySn: dock });
        expect(tid).toBeDefined();
        // The service logs nothing with the ticket in it.
        expect(JSON.stringify(harness.logLines)).not.toContain(ticket);
      } finally {
        await client.close();
        await again.close();
      }
    });

    it('refuses a missing, unknown, forged or expired credential with 401 and no stream', async () => {
      const { ticket } = await harness.streamTicket();
      const stream = `${harness.baseUrl}/stream`;
      const refusals = {
        nothing: await probe(stream),
        wrongToken: await probe(stream, { headers: { authorization: 'Bearer wrong-token' } }),
        notATicket: await probe(`${stream}?ticket=nonsense`),
        twoTickets: await probe(`${stream}?ticket=${ticket}&ticket=${ticket}`),
        // Signed with a token the service does not accept (or no longer: a revoked one).
        otherToken: await probe(
          `${stream}?ticket=${issueStreamTicket('revoked-token', Date.now(), 60_000).ticket}`,
        ),
        // A real ticket of two minutes ago, valid for one.
        expired: await probe(
          `${stream}?ticket=${issueStreamTicket(TOKEN, Date.now() - 120_000, 60_000).ticket}`,
        ),
        // A ticket claiming a day of life: longer than this service issues.
        tooLong: await probe(
          `${stream}?ticket=${issueStreamTicket(TOKEN, Date.now(), 86_400_000).ticket}`,
        ),
        // The API token is never accepted in a URL.
        tokenInUrl: await probe(`${stream}?access_token=${TOKEN}`),
        tokenAsTicket: await probe(`${stream}?ticket=${TOKEN}`),
        // When the header is sent, it alone decides.
        wrongHeaderGoodTicket: await probe(`${stream}?ticket=${ticket}`, {
          headers: { authorization: 'Bearer wrong-token' },
        }),
      };
      for (const [name, refusal] of Object.entries(refusals)) {
        expect({ name, status: refusal.status, json: refusal.type }).toEqual({
          name,
          status: 401,
          json: expect.stringContaining('application/json'),
        });
        expect(refusal.wwwAuthenticate).toBe('Bearer');
      }
      expect(refusals.expired.message).toMatch(/expired.*POST \/stream\/tickets/);
      expect(refusals.nothing.message).toMatch(/ticket/);

      const tickets = `${harness.baseUrl}/stream/tickets`;
      expect((await probe(tickets, { method: 'POST' })).status).toBe(401);
      expect(
        (await probe(tickets, { method: 'POST', headers: { authorization: 'Bearer wrong' } }))
          .status,
      ).toBe(401);
      // No refusal logged the credentials it was shown.
      const logged = JSON.stringify(harness.logLines);
      expect(logged).not.toContain(ticket);
      expect(logged).not.toContain(TOKEN);
    });

    it('accepts a ticket (and never the token) in the URL of the live stream only', async () => {
      const { ticket } = await harness.streamTicket();
      for (const path of [
        `/docks?ticket=${ticket}`,
        `/docks/${sn('REAL')}?ticket=${ticket}`,
        `/flights/T-FIXTURE-001/progress?ticket=${ticket}`,
        `/docks?access_token=${TOKEN}`,
      ]) {
        expect({ path, status: (await probe(`${harness.baseUrl}${path}`)).status }).toEqual({
          path,
          status: 401,
        });
      }
      const viaTicket = await probe(`${harness.baseUrl}/stream/tickets?ticket=${ticket}`, {
        method: 'POST',
      });
      expect(viaTicket.status).toBe(401);
      // The same routes answer with the header.
      expect((await harness.get('/docks?limit=1')).status).toBe(200);
    });
  });

  describe('a live-stream client that stops reading', () => {
    it('is told why and disconnected past the bound, counted and logged once; others keep receiving', async () => {
      const dock = sn('SLOW');
      const { ticket } = await harness.streamTicket();
      const reading = new SseClient();
      await reading.open(
        `${harness.baseUrl}/stream?dock=${dock}&ticket=${encodeURIComponent(ticket)}`,
        null,
      );
      const stalled = await StalledSseClient.open(harness.baseUrl, `/stream?dock=${dock}`, {
        authorization: `Bearer ${TOKEN}`,
      });
      const overflowsBefore = await harness.metric('telemetry_live_overflows_total');
      try {
        expect(reading.status).toBe(200);
        expect(stalled.status).toBe(200);
        await untilLive(dock, reading, 'slow-warmup');

        // Large updates (~70 kB each), four at a time, until the stalled client is dropped: the
        // kernel's socket buffers take a few MB first, then TELEMETRY_SSE_MAX_BUFFERED_BYTES.
        // Each round waits until the reading client has them, so nothing piles up unseen.
        let pushes = 0;
        await eventually(
          async () => {
            const batch: ProducedRecord[] = [];
            for (let i = 0; i < 4; i++) {
              batch.push(rthPush(dock, `${run}-slow-${pushes++}`, 2_000));
            }
            await harness.produce(batch, 4);
            await eventually(() => expect(reading.of('rth')).toHaveLength(pushes), {
              timeoutMs: 15_000,
            });
            expect(await harness.metric('telemetry_live_overflows_total')).toBe(
              overflowsBefore + 1,
            );
          },
          { timeoutMs: 90_000, intervalMs: 10 },
        );
        process.stdout.write(
          `live stream: a stalled client was dropped after ${pushes} pushes (~${Math.round(
            (pushes * 70) / 1024,
          )} MB)\n`,
        );
        // The stalled client reads again: what waited for it, why it ends, and the end.
        const stalledText = stalled.readToEnd();

        // The reading client got every push (above), and goes on receiving.
        const marker = `${run}-slow-after`;
        await harness.produce([
          uplinkRecord(
            eventsTopic(dock),
            progressPayload({
              sn: dock,
              flightId: `${dock}-F`,
              tid: marker,
              timestamp: Date.now(),
            }),
          ),
        ]);
        await eventually(() =>
          expect(reading.of('progress').map((m) => (m.data as Progress).tid)).toContain(marker),
        );
        expect(reading.of('overflow')).toHaveLength(0);
        expect(reading.ended).toBe(false);

        const text = await stalledText;
        const overflow = /event: overflow\ndata: (.*)\n\n/.exec(text);
        expect(JSON.parse(overflow?.[1] ?? 'null')).toMatchObject({
          reason: 'slow_client',
          limitBytes: SSE_MAX_BUFFERED_BYTES,
          message: expect.stringContaining('TELEMETRY_SSE_MAX_BUFFERED_BYTES'),
        });
        // Nothing after the reason: the updates that came later were never queued for it.
        expect(text.lastIndexOf('event: rth')).toBeLessThan(text.indexOf('event: overflow'));
        expect(text).not.toContain(marker);

        // Counted once, logged once (without the URL), and no longer a subscriber.
        expect(await harness.metric('telemetry_live_overflows_total')).toBe(overflowsBefore + 1);
        const lines = harness.logLines.filter((l) => String(l.msg).includes('not reading'));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({ level: 'warn', dock, limitBytes: SSE_MAX_BUFFERED_BYTES });
        expect(JSON.stringify(lines[0])).not.toContain('/stream');
        await eventually(async () =>
          expect(await harness.metric('telemetry_live_subscribers')).toBe(1),
        );
      } finally {
        stalled.close();
        await reading.close();
      }
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

      // The live stream: a bearer token or a ticket, both documented, and both refusals.
      expect(doc.body.components?.securitySchemes?.streamTicket).toMatchObject({
        type: 'apiKey',
        in: 'query',
        name: 'ticket',
      });
      const stream = doc.body.paths['/stream']!.get!;
      expect(stream.security).toEqual(
        expect.arrayContaining([{ bearer: [] }, { streamTicket: [] }]),
      );
      expect(stream.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'ticket', in: 'query', description: expect.any(String) }),
        ]),
      );
      expect(stream.responses['401']).toBeDefined();
      expect(stream.description).toContain('overflow');
      const tickets = doc.body.paths['/stream/tickets']?.post;
      expect(tickets?.responses['201']).toBeDefined();
      expect(tickets?.responses['401']).toBeDefined();
      expect(tickets?.security).toBeUndefined(); // the global bearer requirement

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
