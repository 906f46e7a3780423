import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { UplinkRecord } from '@dock/contracts';
import { normaliseUplink } from '@dock/protocol';
import { mapUplinkRecord } from './map-uplink-record';

const position = { topic: 'dock.uplink.events', partition: 0, offset: '7' };
const RECEIVED = 1_779_352_084_000;

/** What the gateway writes for an MQTT message: the normalised message as an UplinkRecord. */
function record(topic: string, payload: unknown): UplinkRecord {
  const result = normaliseUplink(topic, JSON.stringify(payload));
  if (!result.ok) throw new Error(result.error.message);
  const m = result.message;
  return {
    schemaVersion: 1,
    gatewaySn: m.gatewaySn,
    family: m.family as UplinkRecord['family'],
    method: m.method,
    tid: m.tid,
    bid: m.bid,
    timestamp: m.timestamp,
    needReply: m.needReply,
    known: m.known,
    receivedAt: RECEIVED,
    ...(m.gateway === undefined ? {} : { gateway: m.gateway }),
    data: m.data,
  };
}

const EVENTS = 'thing/product/DOCK1/events';

const recordedFlight = readFileSync(
  path.resolve(__dirname, '../../../../../shared/fixtures/real-dock3-flight/dock-events.jsonl'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { topic: string; payload: { method: string } });

describe('mapUplinkRecord', () => {
  it('maps the spec flighttask_progress example (nested shape) with flight id from ext', () => {
    const outcome = mapUplinkRecord(
      record(EVENTS, {
        bid: 'b-1',
        tid: 't-1',
        timestamp: 1654070968655,
        method: 'flighttask_progress',
        data: {
          output: {
            ext: {
              break_point: {
                attitude_head: 30,
                break_reason: 1,
                height: 100.23,
                index: 1,
                latitude: 23.4,
                longitude: 113.99,
                progress: 0.34,
                state: 0,
                wayline_id: 0,
              },
              current_waypoint_index: 3,
              wayline_mission_state: 9,
              wayline_id: 0,
              flight_id: 'flight_id',
              media_count: 6,
              track_id: 'track_id',
            },
            progress: { current_step: 19, percent: 100 },
            status: 'ok',
          },
          result: 0,
        },
      }),
      position,
    );
    expect(outcome).toMatchObject({
      ok: true,
      item: {
        kind: 'progress',
        row: {
          gatewaySn: 'DOCK1',
          dedupeKey: 't-1',
          flightId: 'flight_id',
          status: 'ok',
          isFinal: true,
          result: 0,
          currentStep: 19,
          percent: 100,
          waypointIndex: 3,
          waylineMissionState: 9,
          mediaCount: 6,
          trackId: 'track_id',
          breakPoint: { index: 1, break_reason: 1 },
          eventAt: 1654070968655,
          receivedAt: RECEIVED,
        },
      },
    });
  });

  it('takes the flight id from bid when ext has none (the flat table shape)', () => {
    const outcome = mapUplinkRecord(
      record(EVENTS, {
        bid: 'FLIGHT-9',
        tid: 't-2',
        'timestamp:': 1654070968655,
        method: 'flighttask_progress',
        data: { status: 'in_progress', progress: { current_step: 49, percent: '12' } },
      }),
      position,
    );
    expect(outcome).toMatchObject({
      ok: true,
      item: {
        row: { flightId: 'FLIGHT-9', currentStep: 49, percent: 12, isFinal: false, ext: null },
      },
    });
  });

  it('maps every progress report of the recorded Dock 3 flight to flight T-FIXTURE-001', () => {
    const progress = recordedFlight.filter((l) => l.payload.method === 'flighttask_progress');
    const rows = progress.map((l) => mapUplinkRecord(record(l.topic, l.payload), position));
    expect(rows).toHaveLength(35);
    for (const row of rows) {
      expect(row).toMatchObject({
        ok: true,
        item: { kind: 'progress', row: { flightId: 'T-FIXTURE-001' } },
      });
    }
    expect(rows.at(-1)).toMatchObject({
      item: {
        row: {
          status: 'failed',
          result: 322283,
          currentStep: 36,
          breakPoint: { break_reason: 1283 },
        },
      },
    });
  });

  it('maps return_home_info, keeping empty plans and the last point type', () => {
    const rth = recordedFlight.filter((l) => l.payload.method === 'return_home_info');
    const rows = rth.map((l) => mapUplinkRecord(record(l.topic, l.payload), position));
    expect(rows.every((r) => r.ok && r.item.kind === 'rth')).toBe(true);
    expect(rows[0]).toMatchObject({
      item: { row: { flightId: 'T-FIXTURE-001', lastPointType: 0 } },
    });
    expect(rows.at(-1)).toMatchObject({ item: { row: { points: [], lastPointType: null } } });
  });

  it('labels device_exit_homing_notify with the protocol tables (reason sent as a string)', () => {
    const outcome = mapUplinkRecord(
      record(EVENTS, {
        bid: 'b',
        tid: 't-3',
        'timestamp:': 1654070968655,
        method: 'device_exit_homing_notify',
        need_reply: true,
        data: { action: 1, reason: '0', sn: 'Dock SN' },
      }),
      position,
    );
    expect(outcome).toMatchObject({
      ok: true,
      item: {
        kind: 'exit_homing',
        row: {
          sn: 'Dock SN',
          action: 1,
          actionLabel: 'Entered the exiting-RTH state (the aircraft aborts its return)',
          reason: 0,
          reasonLabel: 'Joystick throttle applied',
        },
      },
    });
  });

  it('maps flighttask_ready and update_topo (sub_devices [] = aircraft offline)', () => {
    expect(
      mapUplinkRecord(
        record(EVENTS, {
          bid: 'b',
          tid: 't-4',
          timestamp: 1,
          method: 'flighttask_ready',
          data: { flight_ids: ['a', 'b', 'a', ''] },
        }),
        position,
      ),
    ).toMatchObject({ ok: true, item: { kind: 'ready', row: { flightIds: ['a', 'b'] } } });

    const status = 'sys/product/DOCK1/status';
    const online = mapUplinkRecord(
      record(status, {
        bid: 'b',
        tid: 't-5',
        timestamp: 2,
        method: 'update_topo',
        data: { sub_devices: [{ sn: 'DRONE1', domain: '0' }] },
      }),
      position,
    );
    expect(online).toMatchObject({
      item: { kind: 'topo', row: { dockOnline: true, aircraftOnline: true, aircraftSn: 'DRONE1' } },
    });
    const offline = mapUplinkRecord(
      record(status, {
        bid: 'b',
        tid: 't-6',
        timestamp: 3,
        method: 'update_topo',
        data: { sub_devices: [] },
      }),
      position,
    );
    expect(offline).toMatchObject({ item: { row: { aircraftOnline: false, aircraftSn: null } } });
  });

  it("keeps a dock's position from its own osd (the recorded Dock 3's first push)", () => {
    const [first] = readFileSync(
      path.resolve(__dirname, '../../../../../shared/fixtures/real-dock3-flight/dock-osd.jsonl'),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { topic: string; payload: Record<string, unknown> });
    const outcome = mapUplinkRecord(record(first.topic, first.payload), position);
    expect(outcome).toEqual({
      ok: true,
      item: {
        kind: 'position',
        row: expect.objectContaining({
          gatewaySn: 'SN_DOCK_FIXTURE',
          latitude: 29.923595595981183,
          longitude: 121.66347550031378,
          height: 41.65929412841797,
          eventAt: 1779352083965,
          receivedAt: RECEIVED,
        }),
      },
    });
  });

  it("never takes an aircraft's osd, a push without a fix or a position out of range for the dock's", () => {
    const OSD = 'thing/product/DOCK1/osd';
    const dockOsd = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      mapUplinkRecord(
        record(OSD, {
          tid: 't',
          bid: 'b',
          timestamp: 5,
          data: { drone_in_dock: 1, ...data },
          ...extra,
        }),
        position,
      );
    // The aircraft's osd: its own topic, its dock in `gateway`, no dock fields.
    expect(
      mapUplinkRecord(
        record('thing/product/AIRCRAFT1/osd', {
          tid: 't',
          bid: 'b',
          timestamp: 5,
          gateway: 'DOCK1',
          data: { latitude: 22.5, longitude: 113.9, height: 120, drone_in_dock: 0 },
        }),
        position,
      ),
    ).toMatchObject({ ok: false, skip: 'ignored', reason: 'osd of a sub-device (aircraft)' });
    expect(
      mapUplinkRecord(
        record(OSD, {
          tid: 't',
          bid: 'b',
          timestamp: 5,
          data: { latitude: 22.5, longitude: 113.9 },
        }),
        position,
      ),
    ).toMatchObject({ ok: false, skip: 'ignored' });
    expect(dockOsd({ latitude: 0, longitude: 0 })).toMatchObject({ ok: false, skip: 'ignored' });
    expect(dockOsd({ latitude: 22.5, longitude: 113.9, home_position_is_valid: 0 })).toMatchObject({
      ok: false,
      skip: 'ignored',
    });
    expect(dockOsd({ mode_code: 0 })).toMatchObject({ ok: false, skip: 'ignored' });
    expect(dockOsd({ latitude: 91, longitude: 113.9 })).toMatchObject({
      ok: false,
      skip: 'invalid',
      reason: 'dock osd latitude is not a number in -90..90',
    });
    expect(dockOsd({ latitude: 22.5, longitude: '113.9' })).toMatchObject({
      ok: false,
      skip: 'invalid',
    });
    // Its own SN in `gateway` is still the dock's own osd; a missing height is null.
    expect(dockOsd({ latitude: 22.5, longitude: 113.9 }, { gateway: 'DOCK1' })).toMatchObject({
      ok: true,
      item: { kind: 'position', row: { latitude: 22.5, longitude: 113.9, height: null } },
    });
  });

  it('ignores methods it does not store and refuses stored methods with bad data', () => {
    const hms = recordedFlight.find((l) => l.payload.method === 'hms');
    expect(hms && mapUplinkRecord(record(hms.topic, hms.payload), position)).toMatchObject({
      ok: false,
      skip: 'ignored',
    });
    const forged: UplinkRecord = {
      ...record(EVENTS, {
        bid: 'b',
        tid: 't',
        timestamp: 1,
        method: 'flighttask_ready',
        data: { flight_ids: [] },
      }),
      data: { flight_ids: 'not-an-array' },
    };
    expect(mapUplinkRecord(forged, position)).toMatchObject({ ok: false, skip: 'invalid' });
  });

  it('uses the Kafka position as the dedupe key when a record has no tid', () => {
    const noTid: UplinkRecord = {
      ...record(EVENTS, {
        bid: 'b',
        tid: 't',
        timestamp: 1,
        method: 'flighttask_ready',
        data: { flight_ids: ['x'] },
      }),
      tid: null,
    };
    expect(mapUplinkRecord(noTid, position)).toMatchObject({
      item: { row: { dedupeKey: 'kafka:dock.uplink.events/0/7', tid: '' } },
    });
  });

  it('refuses what Postgres could not store instead of failing the whole batch', () => {
    const base = record(EVENTS, {
      bid: 'b',
      tid: 't',
      timestamp: 1,
      method: 'flighttask_ready',
      data: { flight_ids: ['x'] },
    });
    expect(mapUplinkRecord({ ...base, tid: 'a\u0000b' }, position)).toMatchObject({
      ok: false,
      skip: 'invalid',
    });
    expect(mapUplinkRecord({ ...base, data: { flight_ids: ['x\u0000'] } }, position)).toMatchObject(
      { skip: 'invalid' },
    );
    const huge = record(EVENTS, {
      bid: 'F',
      tid: 't',
      timestamp: 1,
      method: 'flighttask_progress',
      data: { output: { status: 'ok', ext: { media_count: 1e300 } }, result: 0 },
    });
    expect(mapUplinkRecord(huge, position)).toMatchObject({
      ok: false,
      skip: 'invalid',
      reason: expect.stringMatching(/too large/),
    });
  });
});
