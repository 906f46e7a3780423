/**
 * The window of one subscriber connection: QoS 1 messages received and not yet acknowledged,
 * in the order they arrived. Messages are handled at once and complete in any order; a
 * PUBACK may go out only when every message received before it is acknowledged too (MQTT 5
 * §4.6: PUBACKs in the order the PUBLISH packets were received), so a completed message waits
 * behind an earlier one still being written. Plain TypeScript: no sockets, no MQTT library.
 */
export class AckWindow<T> {
  /** Arrival order; entries before `head` are acknowledged already. */
  private entries: WindowEntry<T>[] = [];
  private head = 0;

  /** Received and not acknowledged (handled or not). */
  get size(): number {
    return this.entries.length - this.head;
  }

  /**
   * A message received; the returned entry is what `complete` takes. A packet id may be in the
   * window twice: Mosquitto numbers queued messages as they are queued, so with more than
   * 65,535 queued for one session it sends a new message under an id still in flight. It
   * matches a PUBACK to the oldest in-flight message of that id, and PUBACKs go in arrival
   * order, so each copy is acknowledged as itself.
   */
  add(packetId: number, value: T): WindowEntry<T> {
    const entry: WindowEntry<T> = { packetId, value, done: false };
    this.entries.push(entry);
    return entry;
  }

  /** Whether a message with this id is in the window (not yet acknowledged). */
  holds(packetId: number): boolean {
    for (let i = this.head; i < this.entries.length; i++) {
      if (this.entries[i].packetId === packetId) return true;
    }
    return false;
  }

  /**
   * The message may be acknowledged. Returns the ids to acknowledge now, in order: the run of
   * completed messages at the head of the window (empty while an earlier one is still being
   * handled). An entry of a window cleared since returns nothing.
   */
  complete(entry: WindowEntry<T>): number[] {
    if (entry.done) return [];
    entry.done = true;
    const ready: number[] = [];
    while (this.head < this.entries.length && this.entries[this.head].done) {
      ready.push(this.entries[this.head].packetId);
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
    // Entries still referenced by handlers in progress must not acknowledge anything later.
    for (const entry of this.entries) entry.done = true;
    this.entries = [];
    this.head = 0;
    return left;
  }
}

export interface WindowEntry<T> {
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
