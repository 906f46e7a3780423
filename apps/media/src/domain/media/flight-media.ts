/**
 * A flight's media against what it should have: expected is the most the dock announced
 * (flighttask_progress ext.media_count, file_upload_callback flight_task.expected_file_count),
 * received the distinct files recorded. Pure rules; the store applies them.
 */
export type FlightMediaStatus = 'complete' | 'pending' | 'incomplete';

export interface FlightMediaCounts {
  expected: number | null;
  received: number;
  /** When the flight reached a final status (ms), null while it flies or when unknown. */
  endedAt: number | null;
  /** The last file recorded (ms), null before the first. */
  lastReceivedAt: number | null;
}

/**
 * complete: every expected file arrived (or more). incomplete: fewer arrived and nothing came
 * for `incompleteAfterMs` since the flight ended or the last file, whichever is later.
 * pending otherwise (flying, uploading, or a count not known yet).
 */
export function flightMediaStatus(
  counts: FlightMediaCounts,
  now: number,
  incompleteAfterMs: number,
): FlightMediaStatus {
  if (counts.expected !== null && counts.received >= counts.expected) return 'complete';
  const quietSince = Math.max(counts.endedAt ?? 0, counts.lastReceivedAt ?? 0);
  if (counts.endedAt !== null && now - quietSince >= incompleteAfterMs) return 'incomplete';
  return 'pending';
}

/** The larger of two announced counts (a later, higher media_count wins; null is unknown). */
export function mergeExpected(
  current: number | null,
  announced: number | undefined,
): number | null {
  if (announced === undefined || !Number.isInteger(announced) || announced < 0) return current;
  return current === null ? announced : Math.max(current, announced);
}
