import type { ProgressRow } from './telemetry-rows';

/**
 * Which dock a flight belongs to, as far as telemetry can tell: the dock of its first progress
 * report (telemetry has no task table; the mission service, which has one, ignores progress
 * from another dock the same way). A report one dock sends about another dock's flight (a
 * misconfigured or hostile dock, a reused flight id) is kept as a record, flagged, and is never
 * the flight's progress: not in its timeline, its latest state, nor the sender's state.
 */
export interface ProgressByOwner {
  readonly own: ProgressRow[];
  readonly fromOtherDock: ProgressRow[];
}

/**
 * Splits a batch's progress rows by owner. `owners` holds the flights already known (flight id
 * -> dock SN); an unknown flight belongs to the dock of its earliest report in the batch.
 */
export function splitByOwner(
  rows: readonly ProgressRow[],
  owners: ReadonlyMap<string, string>,
): ProgressByOwner {
  const owner = new Map(owners);
  const byTime = [...rows].sort((a, b) => a.eventAt - b.eventAt);
  for (const row of byTime) if (!owner.has(row.flightId)) owner.set(row.flightId, row.gatewaySn);
  const own: ProgressRow[] = [];
  const fromOtherDock: ProgressRow[] = [];
  for (const row of rows) {
    (owner.get(row.flightId) === row.gatewaySn ? own : fromOtherDock).push(row);
  }
  return { own, fromOtherDock };
}
