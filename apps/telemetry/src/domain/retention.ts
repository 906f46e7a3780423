const DAY_MS = 86_400_000;

/**
 * Rows received before this instant are old enough to delete. Fractions of a day are allowed
 * (an operator testing retention, a small disk); a non-positive age would delete everything
 * just written and is refused by the configuration schema before it gets here.
 */
export function retentionCutoff(now: number, retentionDays: number): Date {
  if (!(retentionDays > 0)) throw new RangeError('retentionDays must be greater than 0');
  return new Date(now - Math.round(retentionDays * DAY_MS));
}

/** What one retention pass removed, per table; reported in logs and metrics. */
export interface PurgeReport {
  readonly deleted: Readonly<Record<string, number>>;
  readonly cutoff: Date;
  /** False when another replica holds the retention lock and this pass did nothing. */
  readonly ran: boolean;
}
