import {
  BREAK_POINT_STATE,
  CURRENT_STEP,
  describeResultCode,
  ProgressBreakPoint,
  ProgressExt,
  TASK_STATUS,
  WAYLINE_MISSION_STATE,
} from '@dock/protocol';
import type { DockState, FlightState } from './read-model';
import type { ExitHomingRow, ProgressRow, ReadyRow } from './telemetry-rows';

/**
 * What the API and the live stream show: every enum with its label from @dock/protocol (the
 * one table of labels), times as ISO 8601, result codes with their meaning.
 */
export interface ProgressView {
  readonly flightId: string;
  readonly gatewaySn: string;
  readonly tid: string;
  readonly bid: string;
  readonly reportedAt: string;
  readonly receivedAt: string;
  readonly status: string;
  readonly statusLabel: string;
  readonly final: boolean;
  readonly result: number;
  readonly resultMeaning: string;
  readonly currentStep: number | null;
  readonly currentStepLabel: string | null;
  readonly percent: number | null;
  readonly waypointIndex: number | null;
  readonly waylineId: number | null;
  readonly waylineMissionState: number | null;
  readonly waylineMissionStateLabel: string | null;
  readonly mediaCount: number | null;
  readonly trackId: string | null;
  readonly breakPoint: (ProgressBreakPoint & { readonly stateLabel: string | null }) | null;
  readonly ext: ProgressExt | null;
}

export function progressView(row: ProgressRow): ProgressView {
  return {
    flightId: row.flightId,
    gatewaySn: row.gatewaySn,
    tid: row.tid,
    bid: row.bid,
    reportedAt: iso(row.eventAt),
    receivedAt: iso(row.receivedAt),
    status: row.status,
    statusLabel: TASK_STATUS.labelFor(row.status),
    final: row.isFinal,
    result: row.result,
    resultMeaning: describeResultCode(row.result).meaning,
    currentStep: row.currentStep,
    currentStepLabel: labelOrNull(CURRENT_STEP.labelFor, row.currentStep),
    percent: row.percent,
    waypointIndex: row.waypointIndex,
    waylineId: row.waylineId,
    waylineMissionState: row.waylineMissionState,
    waylineMissionStateLabel: labelOrNull(WAYLINE_MISSION_STATE.labelFor, row.waylineMissionState),
    mediaCount: row.mediaCount,
    trackId: row.trackId,
    breakPoint: row.breakPoint
      ? {
          ...row.breakPoint,
          stateLabel: labelOrNull(BREAK_POINT_STATE.labelFor, row.breakPoint.state ?? null),
        }
      : null,
    ext: row.ext,
  };
}

export interface FlightView {
  readonly flightId: string;
  readonly gatewaySn: string;
  readonly firstReportedAt: string;
  readonly readyAt: string | null;
  readonly latest: ProgressView;
}

export function flightView(state: FlightState): FlightView {
  return {
    flightId: state.latest.flightId,
    gatewaySn: state.latest.gatewaySn,
    firstReportedAt: iso(state.firstEventAt),
    readyAt: state.readyAt === null ? null : iso(state.readyAt),
    latest: progressView(state.latest),
  };
}

export interface DockView {
  readonly gatewaySn: string;
  readonly dockOnline: boolean | null;
  readonly aircraftOnline: boolean | null;
  readonly aircraftSn: string | null;
  readonly topologyReportedAt: string | null;
  readonly lastRthAt: string | null;
  readonly lastRthFlightId: string | null;
  /** Where the dock stands (its own osd); null until it reported a valid fix. */
  readonly position: DockPositionView | null;
  readonly updatedAt: string;
  /** The newest progress report of any flight of this dock. */
  readonly progress: ProgressView | null;
}

export interface DockPositionView {
  readonly latitude: number;
  readonly longitude: number;
  readonly height: number | null;
  readonly reportedAt: string;
}

export function dockView(state: DockState): DockView {
  return {
    gatewaySn: state.gatewaySn,
    dockOnline: state.dockOnline,
    aircraftOnline: state.aircraftOnline,
    aircraftSn: state.aircraftSn,
    topologyReportedAt: isoOrNull(state.topoAt),
    lastRthAt: isoOrNull(state.lastRthAt),
    lastRthFlightId: state.lastRthFlightId,
    position: state.position
      ? {
          latitude: state.position.latitude,
          longitude: state.position.longitude,
          height: state.position.height,
          reportedAt: iso(state.position.at),
        }
      : null,
    updatedAt: iso(state.updatedAt),
    progress: state.progress ? progressView(state.progress) : null,
  };
}

export interface ExitHomingView {
  readonly gatewaySn: string;
  readonly sn: string | null;
  readonly tid: string;
  readonly bid: string;
  readonly reportedAt: string;
  readonly receivedAt: string;
  readonly action: number;
  readonly actionLabel: string;
  readonly reason: number;
  readonly reasonLabel: string;
}

export function exitHomingView(row: ExitHomingRow): ExitHomingView {
  return {
    gatewaySn: row.gatewaySn,
    sn: row.sn,
    tid: row.tid,
    bid: row.bid,
    reportedAt: iso(row.eventAt),
    receivedAt: iso(row.receivedAt),
    action: row.action,
    actionLabel: row.actionLabel,
    reason: row.reason,
    reasonLabel: row.reasonLabel,
  };
}

export interface ReadyView {
  readonly gatewaySn: string;
  readonly tid: string;
  readonly reportedAt: string;
  readonly flightIds: readonly string[];
}

export function readyView(row: ReadyRow): ReadyView {
  return {
    gatewaySn: row.gatewaySn,
    tid: row.tid,
    reportedAt: iso(row.eventAt),
    flightIds: row.flightIds,
  };
}

function labelOrNull(labelFor: (value: unknown) => string, value: number | null): string | null {
  return value === null ? null : labelFor(value);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
