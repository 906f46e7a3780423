import type { TimeCursor } from './query-params';
import type { ExitHomingRow, ProgressRow, ReadyRow, RthRow } from './telemetry-rows';

/** A stored row with its database id (orders rows with equal timestamps, pages timelines). */
export type Stored<R> = R & { readonly id: string };

/** The latest state of one flight: its newest progress report and when it was first seen. */
export interface FlightState {
  readonly latest: ProgressRow;
  readonly firstEventAt: number;
  /** When the dock last said this (conditional) flight's ready conditions hold; null if never. */
  readonly readyAt: number | null;
}

/** The latest state of one dock: newest progress of any flight and its online status. */
export interface DockState {
  readonly gatewaySn: string;
  readonly progress: ProgressRow | null;
  readonly dockOnline: boolean | null;
  readonly aircraftOnline: boolean | null;
  readonly aircraftSn: string | null;
  readonly topoAt: number | null;
  readonly lastRthAt: number | null;
  readonly lastRthFlightId: string | null;
  /** Where the dock stands, from its newest osd with a fix (domain/dock-position). */
  readonly position: {
    readonly latitude: number;
    readonly longitude: number;
    readonly height: number | null;
    readonly at: number;
  } | null;
  readonly updatedAt: number;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass as `after` to get the next page; null on the last page. */
  readonly next: string | null;
}

/**
 * The read side the HTTP API uses (implemented by the postgres adapter). Every read is scoped
 * to one organization: another organization's flight or dock reads as unknown.
 */
export interface TelemetryQueries {
  flightState(organizationId: string, flightId: string): Promise<FlightState | null>;
  progressTimeline(
    organizationId: string,
    flightId: string,
    limit: number,
    after: TimeCursor | null,
  ): Promise<Page<Stored<ProgressRow>>>;
  dockState(organizationId: string, gatewaySn: string): Promise<DockState | null>;
  fleetState(
    organizationId: string,
    limit: number,
    after: string | null,
    snPrefix: string | null,
  ): Promise<Page<DockState>>;
  latestTrajectory(organizationId: string, flightId: string): Promise<RthRow | null>;
  trajectoryHistory(organizationId: string, flightId: string, limit: number): Promise<RthRow[]>;
  latestDockTrajectory(organizationId: string, gatewaySn: string): Promise<RthRow | null>;
  exitHomingNotices(
    organizationId: string,
    gatewaySn: string,
    range: TimeRange,
    limit: number,
    after: TimeCursor | null,
  ): Promise<Page<Stored<ExitHomingRow>>>;
  readyNotices(organizationId: string, flightId: string): Promise<ReadyRow[]>;
}

/** [from, to) in ms; either end may be open. */
export interface TimeRange {
  readonly from: number | null;
  readonly to: number | null;
}
