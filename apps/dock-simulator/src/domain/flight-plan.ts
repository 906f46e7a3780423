import { GeoPoint } from './behaviour';

/**
 * The script of one wayline task as a dock runs it, step by step (current_step of
 * flighttask_progress). Durations are simulated milliseconds, loosely after a real Dock 3
 * (pre-flight checks ~30 s, ~20 s per wayline segment, landing and log upload ~1 min); the
 * percent ranges follow the recording, where log upload (step 27) reports 90 %.
 */

export type StageKind =
  /** Runs for its duration. */
  | 'timed'
  /** Step 13: asks for the KMZ URL (flighttask_resource_get) and waits for requests_reply. */
  | 'resource'
  /** Step 14: downloads the KMZ and checks its MD5; waits for the download. */
  | 'download'
  /** Step 21: flies the waypoints. Pause and return_home act here. */
  | 'wayline'
  /** Flying home (after the wayline, or on return_home). Exit-homing triggers act here. */
  | 'return';

export interface Stage {
  readonly step: number;
  readonly kind: StageKind;
  readonly durationMs: number;
  readonly percentFrom: number;
  readonly percentTo: number;
}

export const SEGMENT_MS = 20_000;
/** Above the wayline altitude so the planned return path is visibly distinct. */
const FLIGHT_HEIGHT_ABOVE_HOME = 60;

function timed(step: number, durationMs: number, from: number, to: number): Stage {
  return { step, kind: 'timed', durationMs, percentFrom: from, percentTo: to };
}

/** The stages after the execute command was accepted (the `sent` report is step 5). */
export function buildFlightPlan(waypoints: number, quirks: boolean): Stage[] {
  const stages: Stage[] = [
    timed(6, 4_000, 1, 2),
    timed(7, 8_000, 2, 4),
    timed(8, 8_000, 4, 6),
    timed(9, 3_000, 6, 7),
    timed(10, 2_000, 7, 8),
    timed(11, 3_000, 8, 9),
    timed(12, 2_000, 9, 10),
    { step: 13, kind: 'resource', durationMs: 0, percentFrom: 10, percentTo: 10 },
    { step: 14, kind: 'download', durationMs: 0, percentFrom: 11, percentTo: 11 },
    timed(15, 3_000, 12, 13),
    timed(16, 2_000, 13, 14),
    timed(17, 3_000, 14, 16),
    timed(18, 2_000, 16, 17),
    timed(19, 2_000, 17, 18),
    timed(20, 3_000, 18, 20),
    {
      step: 21,
      kind: 'wayline',
      durationMs: Math.max(1, waypoints) * SEGMENT_MS,
      percentFrom: 20,
      percentTo: 80,
    },
    ...landing(waypoints, quirks),
  ];
  return stages;
}

/** From the return home to the end: shared by a completed wayline and a return_home. */
export function landing(waypoints: number, quirks: boolean): Stage[] {
  return [
    {
      step: 22,
      kind: 'return',
      durationMs: 10_000 + 3_000 * Math.max(1, waypoints),
      percentFrom: 80,
      percentTo: 85,
    },
    timed(23, 20_000, 85, 88),
    timed(24, 10_000, 88, 90),
    timed(25, 5_000, 90, 91),
    // Trap 6: newer firmware reports steps past 42.
    ...(quirks ? [timed(49, 2_000, 91, 92)] : []),
    timed(27, 8_000, 92, 95),
    timed(29, 3_000, 95, 97),
    timed(31, 2_000, 97, 99),
    // Trap 6: 0xFFFD "waiting for service response after completion".
    ...(quirks ? [timed(0xfffd, 1_000, 99, 99)] : []),
  ];
}

export function stagePercent(stage: Stage, elapsedMs: number): number {
  if (stage.durationMs <= 0) return stage.percentFrom;
  const fraction = Math.min(1, Math.max(0, elapsedMs / stage.durationMs));
  return Math.round(stage.percentFrom + (stage.percentTo - stage.percentFrom) * fraction);
}

/** Waypoint `i` of the simulated wayline: a zig-zag north of home at flight height. */
export function waypointPosition(home: GeoPoint, index: number): GeoPoint {
  return {
    latitude: home.latitude + (index + 1) * 0.0006,
    longitude: home.longitude + (index % 2 === 0 ? 0.0004 : -0.0004),
    height: home.height + FLIGHT_HEIGHT_ABOVE_HOME,
  };
}

export function aboveHome(home: GeoPoint): GeoPoint {
  return { ...home, height: home.height + FLIGHT_HEIGHT_ABOVE_HOME };
}

/** Where the aircraft is `progress` (0..1) along the segment towards waypoint `index`. */
export function positionOnWayline(home: GeoPoint, index: number, progress: number): GeoPoint {
  const from = index === 0 ? aboveHome(home) : waypointPosition(home, index - 1);
  return interpolate(from, waypointPosition(home, index), progress);
}

export function interpolate(from: GeoPoint, to: GeoPoint, fraction: number): GeoPoint {
  const f = Math.min(1, Math.max(0, fraction));
  return {
    latitude: round6(from.latitude + (to.latitude - from.latitude) * f),
    longitude: round6(from.longitude + (to.longitude - from.longitude) * f),
    height: Math.round((from.height + (to.height - from.height) * f) * 10) / 10,
  };
}

/** The planned return route from `position`: climb, cruise, and the point above home. */
export function plannedReturnPath(home: GeoPoint, position: GeoPoint): GeoPoint[] {
  const target = aboveHome(home);
  return [position, interpolate(position, target, 0.5), target];
}

/** Heading in degrees from `from` to `to` (for break_point.attitude_head). */
export function headingBetween(from: GeoPoint, to: GeoPoint): number {
  const degrees =
    (Math.atan2(to.longitude - from.longitude, to.latitude - from.latitude) * 180) / Math.PI;
  return Math.round(degrees * 10) / 10;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
