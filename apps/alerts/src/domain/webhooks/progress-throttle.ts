/** What the throttle remembers per flight: the last progress it let through. */
export interface ThrottleMark {
  readonly at: number;
  readonly status: string;
}

/**
 * flighttask_progress comes about once a second per flight; subscribers get at most one per
 * `intervalMs` per flight, except that a status change (e.g. in_progress -> ok, the final
 * report) always goes through. Decided on the dock's timestamps, so a redelivered batch
 * decides the same way.
 */
export function passesThrottle(
  last: ThrottleMark | null,
  next: ThrottleMark,
  intervalMs: number,
): boolean {
  if (!last) return true;
  if (next.status !== last.status) return true;
  return next.at - last.at >= intervalMs;
}
