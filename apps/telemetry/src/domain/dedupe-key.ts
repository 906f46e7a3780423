/** Where a record sits in Kafka: identifies it when the dock message carried no tid. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * The key that makes storing idempotent, unique per (gateway SN, kind). A dock gives every
 * message its own tid and a duplicate MQTT delivery repeats it, so the tid identifies the
 * message across redeliveries and duplicates. Without a tid (the protocol requires one on
 * events and status, so only a broken producer gets here) the Kafka position still makes a
 * redelivered record collapse onto its first copy.
 */
export function dedupeKeyFor(tid: string | null, position: RecordPosition): string {
  if (tid !== null && tid.length > 0) return tid;
  return `kafka:${position.topic}/${position.partition}/${position.offset}`;
}
