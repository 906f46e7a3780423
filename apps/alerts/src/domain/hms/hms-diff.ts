import type { HmsEntry } from '@dock/protocol';
import { alertKey, StoredAlert } from './hms-alert';

export interface HmsDiff {
  /** Entries not active before: new alerts. */
  readonly raised: readonly { key: string; entry: HmsEntry }[];
  /** Active alerts listed again: last seen and count move on, level/in_the_sky may change. */
  readonly repeated: readonly { alert: StoredAlert; entry: HmsEntry }[];
  /** Active alerts this message no longer lists: cleared. */
  readonly cleared: readonly StoredAlert[];
}

/**
 * The clearing rule (dock-hms.md, "State semantics"): every hms message holds the device's
 * COMPLETE current alarm set, so the latest message IS the active set. An alert in it is raised
 * (new) or repeated (already active); an active alert missing from it has cleared. An entry
 * listed twice in one message counts once.
 */
export function diffHmsList(active: readonly StoredAlert[], list: readonly HmsEntry[]): HmsDiff {
  const byKey = new Map(active.map((alert) => [alert.key, alert]));
  const seen = new Set<string>();
  const raised: { key: string; entry: HmsEntry }[] = [];
  const repeated: { alert: StoredAlert; entry: HmsEntry }[] = [];
  for (const entry of list) {
    const key = alertKey(entry);
    if (seen.has(key)) continue;
    seen.add(key);
    const alert = byKey.get(key);
    if (alert) repeated.push({ alert, entry });
    else raised.push({ key, entry });
  }
  const cleared = active.filter((alert) => !seen.has(alert.key));
  return { raised, repeated, cleared };
}
