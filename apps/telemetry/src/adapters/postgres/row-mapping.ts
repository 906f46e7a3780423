import type { PathPoint, ProgressBreakPoint, ProgressExt } from '@dock/protocol';
import type { DockState } from '../../domain/read-model';
import type { ExitHomingRow, ProgressRow, ReadyRow, RthRow } from '../../domain/telemetry-rows';

/** Rows as node-postgres returns them: bigint as string, timestamptz as Date, jsonb parsed. */
type Raw = Record<string, unknown>;

export const ms = (value: unknown): number => (value as Date).getTime();
export const msOrNull = (value: unknown): number | null => (value === null ? null : ms(value));
const int = (value: unknown): number => Number(value);
const intOrNull = (value: unknown): number | null => (value === null ? null : Number(value));
const text = (value: unknown): string => value as string;
const textOrNull = (value: unknown): string | null => (value === null ? null : (value as string));

function base(raw: Raw) {
  return {
    gatewaySn: text(raw.gateway_sn),
    dedupeKey: text(raw.dedupe_key),
    tid: text(raw.tid),
    bid: text(raw.bid),
    eventAt: ms(raw.event_at),
    receivedAt: ms(raw.received_at),
  };
}

export function progressRow(raw: Raw): ProgressRow {
  return {
    ...base(raw),
    flightId: text(raw.flight_id),
    status: text(raw.status),
    isFinal: raw.is_final === true,
    result: int(raw.result),
    currentStep: intOrNull(raw.current_step),
    percent: intOrNull(raw.percent),
    waypointIndex: intOrNull(raw.waypoint_index),
    waylineId: intOrNull(raw.wayline_id),
    waylineMissionState: intOrNull(raw.wayline_mission_state),
    mediaCount: intOrNull(raw.media_count),
    trackId: textOrNull(raw.track_id),
    breakPoint: (raw.break_point ?? null) as ProgressBreakPoint | null,
    ext: (raw.ext ?? null) as ProgressExt | null,
  };
}

export function rthRow(raw: Raw): RthRow {
  return {
    ...base(raw),
    flightId: textOrNull(raw.flight_id),
    lastPointType: intOrNull(raw.last_point_type),
    points: raw.points as PathPoint[],
  };
}

export function exitHomingRow(raw: Raw): ExitHomingRow {
  return {
    ...base(raw),
    sn: textOrNull(raw.sn),
    action: int(raw.action),
    actionLabel: text(raw.action_label),
    reason: int(raw.reason),
    reasonLabel: text(raw.reason_label),
  };
}

export function readyRow(raw: Raw): ReadyRow {
  return { ...base(raw), flightIds: raw.flight_ids as string[] };
}

/** dock_latest joined with the flight_latest row of its newest flight (p_* columns). */
export function dockState(raw: Raw): DockState {
  const hasProgress = raw.p_flight_id !== null && raw.p_flight_id !== undefined;
  const progress: Raw = {};
  if (hasProgress) {
    for (const [key, value] of Object.entries(raw)) {
      if (key.startsWith('p_')) progress[key.slice(2)] = value;
    }
  }
  return {
    gatewaySn: text(raw.gateway_sn),
    progress: hasProgress ? progressRow(progress) : null,
    dockOnline: (raw.dock_online ?? null) as boolean | null,
    aircraftOnline: (raw.aircraft_online ?? null) as boolean | null,
    aircraftSn: textOrNull(raw.aircraft_sn),
    topoAt: msOrNull(raw.topo_event_at),
    lastRthAt: msOrNull(raw.rth_event_at),
    lastRthFlightId: textOrNull(raw.rth_flight_id),
    position:
      raw.position_event_at === null || raw.position_event_at === undefined
        ? null
        : {
            latitude: Number(raw.latitude),
            longitude: Number(raw.longitude),
            height: raw.height === null ? null : Number(raw.height),
            at: ms(raw.position_event_at),
          },
    updatedAt: ms(raw.updated_at),
  };
}
