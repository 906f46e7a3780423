/**
 * Pending calls awaiting an answer (a command awaiting its services_reply, a dock request
 * awaiting the file service), shared by every gateway replica so the answer may reach any of
 * them. Exactly one replica completes each entry: it must first `claim` it (atomically), then
 * write the outcome, then `complete` it. A claim is a lease: when its holder dies before
 * completing, the entry becomes claimable again once the lease expires, so the outcome is
 * written late rather than never.
 */
export interface PendingStore<T> {
  /**
   * Records an entry with its deadline. With a dedupe key (a command's correlation id), a second
   * add for the same key does not create another entry but says what happened to the first.
   */
  add(id: string, entry: T, deadline: number, dedupeKey?: string): Promise<AddOutcome<T>>;
  /**
   * `add` for many entries in one round trip, with the outcome of each in the same order: the
   * same as calling `add` for each in turn (a dedupe key repeated within the call finds the
   * entry of its first occurrence), each entry atomic on its own.
   */
  addMany(entries: readonly PendingAdd<T>[]): Promise<AddOutcome<T>[]>;
  /** Takes the entry for completion (answer received). */
  claim(id: string, now: number): Promise<ClaimOutcome<T>>;
  /** Takes up to `limit` entries whose deadline (or abandoned lease) has passed. */
  claimExpired(now: number, limit: number): Promise<ExpiredEntry<T>[]>;
  /** Removes a claimed entry once its outcome is written; false when the lease was lost. */
  complete(id: string): Promise<boolean>;
}

/** One entry to `addMany`: the arguments of `add`. */
export interface PendingAdd<T> {
  readonly id: string;
  readonly entry: T;
  readonly deadline: number;
  readonly dedupeKey?: string;
}

export type AddOutcome<T> =
  | { readonly status: 'added' }
  /** The dedupe key was seen and its entry still waits: resend it as it was. */
  | { readonly status: 'pending'; readonly id: string; readonly entry: T }
  /** The dedupe key was seen and its entry is already completed: nothing to do. */
  | { readonly status: 'completed'; readonly id: string };

export type ClaimOutcome<T> =
  | { readonly claimed: true; readonly entry: T }
  /** unknown: no such entry (late, duplicate or forged answer); held: another replica has it. */
  | { readonly claimed: false; readonly reason: 'unknown' | 'held' };

export interface ExpiredEntry<T> {
  readonly id: string;
  readonly entry: T;
}

/** Entries are per dock: a tid is only unique within the dock that uses it. */
export function pendingId(gatewaySn: string, tid: string): string {
  return `${gatewaySn}/${tid}`;
}
