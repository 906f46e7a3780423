import type { TelemetryBatch, TelemetryKind } from './telemetry-rows';

/**
 * How many rows of each kind were new, and how many were duplicates already stored; for
 * progress also how many were about another dock's flight (recorded, flagged, not the
 * flight's progress: domain/flight-ownership).
 */
export type WriteOutcome = Record<
  TelemetryKind,
  { stored: number; duplicates: number; fromOtherDock?: number }
>;

/**
 * The write side: stores one batch atomically (all rows and the latest-state updates, or
 * nothing) and idempotently (a row already stored is skipped, the latest state only moves
 * forward). Implemented by the postgres adapter.
 */
export interface TelemetryWriter {
  write(batch: TelemetryBatch): Promise<WriteOutcome>;
}

/** Removes raw history in small steps; see the postgres retention adapter. */
export interface RetentionStore {
  /** Runs one pass if no other replica is running one; deletes rows received before cutoff. */
  purge(
    cutoff: Date,
    batchRows: number,
  ): Promise<{ ran: boolean; deleted: Record<string, number> }>;
}
