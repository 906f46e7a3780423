import type { PathPoint, ProgressBreakPoint, ProgressExt } from '@dock/protocol';

/**
 * What the telemetry service stores, one type per kind of dock message. Times are ms since the
 * epoch: `eventAt` is the dock's own timestamp (the gateway's receive time when the dock sent
 * none) and orders a dock's reports; `receivedAt` is the gateway's clock, which retention uses
 * because a dock's clock can be wrong (result 319008 exists for that reason).
 */
export interface RowBase {
  readonly gatewaySn: string;
  /** Identifies the dock message: its tid, or the Kafka position when it has none. */
  readonly dedupeKey: string;
  readonly tid: string;
  readonly bid: string;
  readonly eventAt: number;
  readonly receivedAt: number;
}

export interface ProgressRow extends RowBase {
  readonly flightId: string;
  /** TaskStatus normally; an unknown word passes through and is not final. */
  readonly status: string;
  readonly isFinal: boolean;
  readonly result: number;
  readonly currentStep: number | null;
  readonly percent: number | null;
  readonly waypointIndex: number | null;
  readonly waylineId: number | null;
  readonly waylineMissionState: number | null;
  readonly mediaCount: number | null;
  readonly trackId: string | null;
  readonly breakPoint: ProgressBreakPoint | null;
  /** The whole ext as sent, unlisted keys (transition_wayline_info) included. */
  readonly ext: ProgressExt | null;
}

export interface RthRow extends RowBase {
  /** null when the dock sent none or `""` (it does when no task runs). */
  readonly flightId: string | null;
  readonly lastPointType: number | null;
  /** The complete planned path of this push; `[]` when the dock sent none (the return ended). */
  readonly points: readonly PathPoint[];
}

export interface ExitHomingRow extends RowBase {
  /** The SN the dock puts in data (trap 3), when present. */
  readonly sn: string | null;
  readonly action: number;
  readonly actionLabel: string;
  readonly reason: number;
  readonly reasonLabel: string;
}

export interface ReadyRow extends RowBase {
  readonly flightIds: readonly string[];
}

/** update_topo: the dock is talking, so it is online; `sub_devices: []` = aircraft offline. */
export interface TopoRow extends RowBase {
  readonly dockOnline: boolean;
  readonly aircraftOnline: boolean;
  /** The first sub-device's SN (a dock has one aircraft); null when it went offline. */
  readonly aircraftSn: string | null;
}

/**
 * A dock osd push's position: where the dock stands (docks do not move, but a dock is set up,
 * moved or re-surveyed). Only the dock's own osd (not its aircraft's) with a valid fix.
 */
export interface PositionRow extends RowBase {
  readonly latitude: number;
  readonly longitude: number;
  /** Ellipsoidal height in m, null when the push had none. */
  readonly height: number | null;
}

export type TelemetryItem =
  | { readonly kind: 'progress'; readonly row: ProgressRow }
  | { readonly kind: 'rth'; readonly row: RthRow }
  | { readonly kind: 'exit_homing'; readonly row: ExitHomingRow }
  | { readonly kind: 'ready'; readonly row: ReadyRow }
  | { readonly kind: 'topo'; readonly row: TopoRow }
  | { readonly kind: 'position'; readonly row: PositionRow };

export type TelemetryKind = TelemetryItem['kind'];

/** One Kafka batch's items, grouped by kind: each group becomes one multi-row INSERT. */
export interface TelemetryBatch {
  readonly progress: ProgressRow[];
  readonly rth: RthRow[];
  readonly exitHoming: ExitHomingRow[];
  readonly ready: ReadyRow[];
  readonly topo: TopoRow[];
  readonly position: PositionRow[];
}

export function groupItems(items: readonly TelemetryItem[]): TelemetryBatch {
  const batch: TelemetryBatch = {
    progress: [],
    rth: [],
    exitHoming: [],
    ready: [],
    topo: [],
    position: [],
  };
  for (const item of items) {
    switch (item.kind) {
      case 'progress':
        batch.progress.push(item.row);
        break;
      case 'rth':
        batch.rth.push(item.row);
        break;
      case 'exit_homing':
        batch.exitHoming.push(item.row);
        break;
      case 'ready':
        batch.ready.push(item.row);
        break;
      case 'topo':
        batch.topo.push(item.row);
        break;
      case 'position':
        batch.position.push(item.row);
        break;
    }
  }
  return batch;
}

export function batchSize(batch: TelemetryBatch): number {
  return (
    batch.progress.length +
    batch.rth.length +
    batch.exitHoming.length +
    batch.ready.length +
    batch.topo.length +
    batch.position.length
  );
}
