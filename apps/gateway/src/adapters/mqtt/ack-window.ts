/**
 * The window of one subscriber connection: QoS 1 messages received and not yet acknowledged,
 * in the order they arrived. Messages are handled at once and complete in any order; a
 * PUBACK may go out only when every message received before it is acknowledged too (MQTT 5
 * §4.6: PUBACKs in the order the PUBLISH packets were received), so a completed message waits
 * behind an earlier one still being written. Plain TypeScript: no sockets, no MQTT library.
 */
export class AckWindow<T> {
  /** Arrival order; entries before `head` are acknowledged already. */
  private entries: Entry<T>[] = [];
  private head = 0;
  private readonly byId = new Map<number, Entry<T>>();

  /** Received and not acknowledged (handled or not). */
  get size(): number {
    return this.entries.length - this.head;
  }

  has(packetId: number): boolean {
    return this.byId.has(packetId);
  }

  /**
   * A message received. A packet id already in the window is a protocol error of the broker
   * (it reused an id we have not acknowledged): refused, the caller drops the connection.
   */
  add(packetId: number, value: T): boolean {
    if (this.byId.has(packetId)) return false;
    const entry: Entry<T> = { packetId, value, done: false };
    this.entries.push(entry);
    this.byId.set(packetId, entry);
    return true;
  }

  /**
   * The message with this id may be acknowledged. Returns the ids to acknowledge now, in
   * order: the run of completed messages at the head of the window (empty while an earlier
   * one is still being handled). An unknown id (window cleared since) returns nothing.
   */
  complete(packetId: number): number[] {
    const entry = this.byId.get(packetId);
    if (!entry) return [];
    entry.done = true;
    const ready: number[] = [];
    while (this.head < this.entries.length && this.entries[this.head].done) {
      const next = this.entries[this.head];
      ready.push(next.packetId);
      this.byId.delete(next.packetId);
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return ready;
  }

  /** Empties the window (connection lost), returning what it held, in arrival order. */
  clear(): { packetId: number; value: T; done: boolean }[] {
    const left = this.entries.slice(this.head).map((e) => ({ ...e }));
    this.entries = [];
    this.head = 0;
    this.byId.clear();
    return left;
  }
}

interface Entry<T> {
  readonly packetId: number;
  readonly value: T;
  done: boolean;
}

/** A message still being handled (or handled) when its connection was lost. */
export interface CarriedMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly handled: Promise<void>;
}

/**
 * Messages of a lost connection, kept until the broker redelivers them on the resumed session
 * (same packet id, DUP set, same topic and payload): the redelivered copy then waits for the
 * handling already under way (or done) instead of being handled, and written to Kafka, twice.
 * At most one window's worth per connection; forgotten when the session did not survive.
 */
export class CarriedOver {
  private readonly byId = new Map<number, CarriedMessage>();

  get size(): number {
    return this.byId.size;
  }

  keep(packetId: number, message: CarriedMessage): void {
    this.byId.set(packetId, message);
  }

  /**
   * The handling to wait for, when this PUBLISH is the redelivery of a carried message. A new
   * message under a carried id (DUP clear) means the broker is done with the old one.
   */
  claim(packetId: number, dup: boolean, topic: string, payload: Buffer): Promise<void> | undefined {
    const carried = this.byId.get(packetId);
    if (!carried) return undefined;
    this.byId.delete(packetId);
    if (!dup || carried.topic !== topic || !carried.payload.equals(payload)) return undefined;
    return carried.handled;
  }

  forget(): void {
    this.byId.clear();
  }
}
