import type { UplinkRecord } from '@dock/contracts';
import {
  DeviceExitHomingNotifyData,
  EXIT_HOMING_ACTION,
  EXIT_HOMING_REASON,
  findDataValidator,
  FlagSink,
  FlighttaskProgressData,
  FlighttaskReadyData,
  isAircraftOffline,
  isFinalTaskStatus,
  ReturnHomeInfoData,
  TopicFamily,
  UpdateTopoData,
} from '@dock/protocol';
import { dedupeKeyFor, RecordPosition } from './dedupe-key';
import { dockFixOf } from './dock-position';
import { RowBase, TelemetryItem } from './telemetry-rows';

/** The (family, method) pairs this service stores; everything else on its topics is skipped. */
export const STORED_METHODS = {
  events: [
    'flighttask_progress',
    'return_home_info',
    'device_exit_homing_notify',
    'flighttask_ready',
  ],
  status: ['update_topo'],
} as const;

/** osd pushes (no method): the dock's own give its position (domain/dock-position). */
export const STORES_DOCK_POSITION_FROM = 'osd';

export type MapOutcome =
  | { readonly ok: true; readonly item: TelemetryItem }
  /** Not for this service (osd, hms, airsense_warning...): counted, not logged. */
  | { readonly ok: false; readonly skip: 'ignored'; readonly reason: string }
  /** A stored method whose data breaks the protocol: logged and counted, never stored. */
  | { readonly ok: false; readonly skip: 'invalid'; readonly reason: string };

/**
 * Turns one normalised uplink record into the row it stores. The gateway validated the data
 * already, but a topic is an input like any other (another producer, an older gateway), so the
 * data is validated again with the protocol's own validator: the canonical shapes are fixed
 * points of their validators, so this costs little and cannot change good data.
 */
export function mapUplinkRecord(record: UplinkRecord, position: RecordPosition): MapOutcome {
  if (record.family === STORES_DOCK_POSITION_FROM) return positionItem(record, position);
  const method = record.method;
  if (method === null || !isStoredMethod(record.family, method)) {
    return { ok: false, skip: 'ignored', reason: `${record.family}/${method ?? '(none)'}` };
  }
  const validator = findDataValidator(record.family as TopicFamily, method);
  if (!validator) return { ok: false, skip: 'ignored', reason: `${record.family}/${method}` };
  const flags: FlagSink = [];
  const data = validator(record.data, flags);
  if (!data.ok) return { ok: false, skip: 'invalid', reason: data.error.message };

  // Postgres refuses NUL in text and jsonb and overflowing bigints: one such record would fail
  // its whole batch on every redelivery, so it is refused here instead, like any bad data.
  const unstorable = unstorableReason(record.tid, record.bid, record.gatewaySn, data.value);
  if (unstorable) return { ok: false, skip: 'invalid', reason: unstorable };

  const tid = record.tid ?? '';
  const base: RowBase = {
    gatewaySn: record.gatewaySn,
    dedupeKey: dedupeKeyFor(record.tid, position),
    tid,
    bid: record.bid ?? '',
    eventAt: record.timestamp ?? record.receivedAt,
    receivedAt: record.receivedAt,
  };
  switch (method) {
    case 'flighttask_progress':
      return progressItem(base, data.value as FlighttaskProgressData);
    case 'return_home_info':
      return rthItem(base, data.value as ReturnHomeInfoData);
    case 'device_exit_homing_notify':
      return exitHomingItem(base, data.value as DeviceExitHomingNotifyData);
    case 'flighttask_ready':
      return readyItem(base, data.value as FlighttaskReadyData);
    default:
      return topoItem(base, data.value as UpdateTopoData);
  }
}

function positionItem(record: UplinkRecord, position: RecordPosition): MapOutcome {
  const fix = dockFixOf(record.gatewaySn, record.gateway, record.data);
  if (!fix.ok) return fix;
  return {
    ok: true,
    item: {
      kind: 'position',
      row: {
        gatewaySn: record.gatewaySn,
        dedupeKey: dedupeKeyFor(record.tid, position),
        tid: record.tid ?? '',
        bid: record.bid ?? '',
        eventAt: record.timestamp ?? record.receivedAt,
        receivedAt: record.receivedAt,
        ...fix.fix,
      },
    },
  };
}

function isStoredMethod(family: string, method: string): boolean {
  const methods: readonly string[] | undefined =
    family === 'events'
      ? STORED_METHODS.events
      : family === 'status'
        ? STORED_METHODS.status
        : undefined;
  return methods?.includes(method) ?? false;
}

/** Real Dock 3 sends bid == flight id; ext.flight_id says it outright when present. */
function progressItem(base: RowBase, data: FlighttaskProgressData): MapOutcome {
  const { output } = data;
  const ext = output.ext;
  const flightId = nonEmpty(ext?.flight_id) ?? nonEmpty(base.bid);
  if (flightId === null) {
    return { ok: false, skip: 'invalid', reason: 'flighttask_progress without flight id or bid' };
  }
  return {
    ok: true,
    item: {
      kind: 'progress',
      row: {
        ...base,
        flightId,
        status: output.status,
        isFinal: isFinalTaskStatus(output.status),
        result: data.result,
        currentStep: output.progress?.current_step ?? null,
        percent: output.progress?.percent ?? null,
        waypointIndex: ext?.current_waypoint_index ?? null,
        waylineId: ext?.wayline_id ?? null,
        waylineMissionState: ext?.wayline_mission_state ?? null,
        mediaCount: ext?.media_count ?? null,
        trackId: nonEmpty(ext?.track_id),
        breakPoint: ext?.break_point ?? null,
        ext: ext ?? null,
      },
    },
  };
}

function rthItem(base: RowBase, data: ReturnHomeInfoData): MapOutcome {
  return {
    ok: true,
    item: {
      kind: 'rth',
      row: {
        ...base,
        flightId: nonEmpty(data.flight_id),
        lastPointType: data.last_point_type ?? null,
        // Only the documented coordinates: the path is drawn, not archived byte for byte.
        points: data.planned_path_points.map(({ latitude, longitude, height }) => ({
          latitude,
          longitude,
          height,
        })),
      },
    },
  };
}

function exitHomingItem(base: RowBase, data: DeviceExitHomingNotifyData): MapOutcome {
  return {
    ok: true,
    item: {
      kind: 'exit_homing',
      row: {
        ...base,
        sn: nonEmpty(data.sn),
        action: data.action,
        actionLabel: EXIT_HOMING_ACTION.labelFor(data.action),
        reason: data.reason,
        reasonLabel: EXIT_HOMING_REASON.labelFor(data.reason),
      },
    },
  };
}

function readyItem(base: RowBase, data: FlighttaskReadyData): MapOutcome {
  const flightIds = [...new Set(data.flight_ids.filter((id) => id.length > 0))];
  return { ok: true, item: { kind: 'ready', row: { ...base, flightIds } } };
}

function topoItem(base: RowBase, data: UpdateTopoData): MapOutcome {
  const offline = isAircraftOffline(data);
  return {
    ok: true,
    item: {
      kind: 'topo',
      row: {
        ...base,
        dockOnline: true,
        aircraftOnline: !offline,
        aircraftSn: offline ? null : (data.sub_devices[0]?.sn ?? null),
      },
    },
  };
}

function nonEmpty(value: string | undefined | null): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

const NUL = '\u0000';

function unstorableReason(...values: unknown[]): string | null {
  for (const value of values) {
    const problem = unstorableValue(value, 0);
    if (problem) return problem;
  }
  return null;
}

/** Walks the (already depth-limited) data for NUL characters and unsafe integers. */
function unstorableValue(value: unknown, depth: number): string | null {
  if (depth > 64) return 'data nested too deeply to store';
  if (typeof value === 'string')
    return value.includes(NUL) ? 'text contains a NUL character' : null;
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Number.isSafeInteger(value)
      ? `integer ${value} is too large to store`
      : null;
  }
  if (Array.isArray(value)) {
    for (const element of value) {
      const problem = unstorableValue(element, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, element] of Object.entries(value)) {
      const problem = unstorableValue(key, depth + 1) ?? unstorableValue(element, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}
