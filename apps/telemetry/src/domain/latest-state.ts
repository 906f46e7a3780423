/**
 * Merge rules of the "latest" tables. Kafka keeps one dock's records in order, but a dock
 * re-sends after a reconnect and MQTT redelivers, so an older report can arrive after a newer
 * one: the latest state only moves forward in the dock's own time. Ties (same timestamp) go
 * to the later receive time, then to the larger dedupe key, so every replica and every replay
 * picks the same winner. The SQL guard compares the same tuple (see the postgres writer).
 */
export interface Ordered {
  readonly eventAt: number;
  readonly receivedAt: number;
  readonly dedupeKey: string;
}

/** True when `candidate` should replace `current`. */
export function isNewer(candidate: Ordered, current: Ordered | null | undefined): boolean {
  if (!current) return true;
  if (candidate.eventAt !== current.eventAt) return candidate.eventAt > current.eventAt;
  if (candidate.receivedAt !== current.receivedAt) return candidate.receivedAt > current.receivedAt;
  return candidate.dedupeKey > current.dedupeKey;
}

/**
 * The newest row per key of one batch. A multi-row upsert may touch each target row only once,
 * and only the newest can win anyway.
 */
export function newestByKey<R extends Ordered>(
  rows: readonly R[],
  keyOf: (row: R) => string | null,
): R[] {
  const newest = new Map<string, R>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === null) continue;
    if (isNewer(row, newest.get(key))) newest.set(key, row);
  }
  return [...newest.values()];
}
