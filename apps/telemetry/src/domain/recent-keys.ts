/**
 * Remembers the last `capacity` keys, forgetting the oldest first. The live stream uses it to
 * drop a duplicate MQTT delivery or a redelivered record it has just shown: the database
 * dedupes for good, the stream only needs to cover the few seconds in which duplicates arrive.
 */
export class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('capacity must be greater than 0');
  }

  /** True the first time a key is seen (within the window), false for a repeat. */
  firstSighting(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      // A Set iterates in insertion order: the first key is the oldest.
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.keys.size;
  }
}
