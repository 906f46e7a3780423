import { Cron } from 'croner';

export interface Recurrence {
  /** Five-field cron (minute hour day-of-month month day-of-week), in `timeZone`'s wall time. */
  cron: string;
  /** IANA time zone, e.g. Europe/Berlin. */
  timeZone: string;
}

export type RecurrenceCheck =
  { ok: true } | { ok: false; field: 'cron' | 'timeZone'; message: string };

/** Whether the cron expression and the time zone are usable. */
export function checkRecurrence(recurrence: Recurrence): RecurrenceCheck {
  if (!isTimeZone(recurrence.timeZone)) {
    return {
      ok: false,
      field: 'timeZone',
      message: `unknown IANA time zone "${recurrence.timeZone}"`,
    };
  }
  const fields = recurrence.cron.trim().split(/\s+/);
  if (fields.length !== 5) {
    return {
      ok: false,
      field: 'cron',
      message: 'must have five fields: minute hour day month weekday',
    };
  }
  try {
    new Cron(recurrence.cron, { timezone: recurrence.timeZone, paused: true });
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      field: 'cron',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/**
 * The occurrences (UTC ms) in (afterMs, untilMs], at most `limit`. Wall-clock times are read in
 * the plan's time zone, so "09:00 every day" stays 09:00 local across daylight-saving changes.
 * A time that does not exist on the spring-forward day runs at the first valid minute after
 * the gap; one that exists twice in autumn runs once (its first occurrence).
 */
export function occurrences(
  recurrence: Recurrence,
  afterMs: number,
  untilMs: number,
  limit: number,
): number[] {
  const cron = new Cron(recurrence.cron, { timezone: recurrence.timeZone, paused: true });
  const found: number[] = [];
  let cursor = new Date(afterMs);
  while (found.length < limit) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() > untilMs) break;
    if (next.getTime() > afterMs) found.push(next.getTime());
    cursor = next;
  }
  return found;
}
