/**
 * Where a dock stands, read from its osd push. The protocol documents osd only loosely (spec
 * README: "periodic telemetry"); a real Dock 3 (fixtures/real-dock3-flight/dock-osd.jsonl) and
 * the simulator send `latitude`, `longitude`, `height` and `home_position_is_valid` in the
 * dock's own osd. An aircraft's osd has latitude and longitude too (where it flies): it comes
 * on the aircraft's topic, under the aircraft's SN and with `gateway` naming its dock, and it
 * has none of the dock-only fields, so it is never taken for the dock's position.
 */
export interface DockFix {
  readonly latitude: number;
  readonly longitude: number;
  readonly height: number | null;
}

export type DockFixOutcome =
  | { readonly ok: true; readonly fix: DockFix }
  /** invalid: a dock osd whose position breaks its range (logged); else simply not one. */
  | { readonly ok: false; readonly skip: 'ignored' | 'invalid'; readonly reason: string };

/** Fields only a dock's osd carries (the aircraft's has none of them). */
const DOCK_ONLY_FIELDS = ['drone_in_dock', 'cover_state', 'drone_charge_state', 'sub_device'];

/**
 * The dock's position from one osd push of topic SN `topicSn`, whose envelope named `gateway`
 * (absent when the dock sent none). Not a position (`ok: false`, with why): another device's
 * osd, a push without the dock fields, no valid fix (home_position_is_valid 0, or 0/0), or
 * coordinates out of range.
 */
export function dockFixOf(
  topicSn: string,
  gateway: string | undefined,
  data: unknown,
): DockFixOutcome {
  if (gateway !== undefined && gateway !== topicSn) {
    return { ok: false, skip: 'ignored', reason: 'osd of a sub-device (aircraft)' };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, skip: 'ignored', reason: 'osd data is not an object' };
  }
  const osd = data as Record<string, unknown>;
  if (!DOCK_ONLY_FIELDS.some((field) => field in osd)) {
    return { ok: false, skip: 'ignored', reason: 'not a dock osd (no dock fields)' };
  }
  if (!('latitude' in osd) && !('longitude' in osd)) {
    return { ok: false, skip: 'ignored', reason: 'dock osd without a position' };
  }
  const { latitude, longitude, height } = osd;
  if (typeof latitude !== 'number' || !Number.isFinite(latitude) || Math.abs(latitude) > 90) {
    return { ok: false, skip: 'invalid', reason: 'dock osd latitude is not a number in -90..90' };
  }
  if (typeof longitude !== 'number' || !Number.isFinite(longitude) || Math.abs(longitude) > 180) {
    return {
      ok: false,
      skip: 'invalid',
      reason: 'dock osd longitude is not a number in -180..180',
    };
  }
  if (osd.home_position_is_valid === 0) {
    return {
      ok: false,
      skip: 'ignored',
      reason: 'dock osd position not valid (home_position_is_valid 0)',
    };
  }
  // A dock without a GNSS fix reports 0/0 (a point in the Gulf of Guinea, not a dock).
  if (latitude === 0 && longitude === 0) {
    return { ok: false, skip: 'ignored', reason: 'dock osd position 0/0 (no fix)' };
  }
  return {
    ok: true,
    fix: {
      latitude,
      longitude,
      height: typeof height === 'number' && Number.isFinite(height) ? height : null,
    },
  };
}
