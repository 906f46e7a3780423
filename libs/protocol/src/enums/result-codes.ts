/**
 * Non-zero `result` codes of services_reply and flighttask_progress. Families come from the
 * spec README; an unlisted code is kept and shown as a number, never dropped.
 */

export type ResultCodeFamily =
  | 'success'
  /** 314xxx: wayline distribution and preparation */
  | 'wayline'
  /** 316xxx: aircraft setup, RTK, landing */
  | 'aircraft_setup'
  /** 317xxx: media */
  | 'media'
  /** 319xxx: dock and task state */
  | 'dock_task_state'
  /** 321xxx / 322xxx: flight controller, code = 321000 + break_reason */
  | 'flight_controller'
  | 'unknown';

export interface ResultCodeDescription {
  readonly code: number;
  readonly family: ResultCodeFamily;
  readonly meaning: string;
  /**
   * True when re-sending the SAME command later may succeed without anyone changing anything:
   * the dock was busy with something else. Everything else needs a decision (a new URL, a
   * charged battery, a synced clock, a human) and is false.
   */
  readonly retryable: boolean;
  /** Flight controller codes only: the `break_reason` reported in ext.break_point. */
  readonly breakReason?: number;
}

export const FLIGHT_CONTROLLER_BASE = 321000;

const FAMILY_MEANING: Readonly<Record<ResultCodeFamily, string>> = {
  success: 'success',
  wayline: 'wayline distribution or preparation error',
  aircraft_setup: 'aircraft setup, RTK or landing error',
  media: 'media error',
  dock_task_state: 'dock or task state error',
  flight_controller: 'flight controller interruption',
  unknown: 'unknown result code',
};

interface KnownCode {
  readonly meaning: string;
  readonly retryable?: true;
}

const KNOWN_CODES: ReadonlyMap<number, KnownCode> = new Map<number, KnownCode>([
  // "Not supported in current state": the state is the dock's and it changes (it was finishing
  // a task, closing its cover...). Like "busy", the same command may succeed a little later,
  // so it is retryable; callers should retry with backoff and give up after a few attempts.
  [314000, { meaning: 'not supported in the current state', retryable: true }],
  [314001, { meaning: 'wayline distribution failed' }],
  [314002, { meaning: 'wayline MD5 empty' }],
  [314003, { meaning: 'wayline file format not supported' }],
  [314004, { meaning: 'wayline distribution failed' }],
  [314005, { meaning: 'wayline MD5 check failed' }],
  [314008, { meaning: 'task preparation timed out' }],
  [314013, { meaning: 'could not get the KMZ URL' }],
  [316009, { meaning: 'aircraft battery below 30 %' }],
  [316018, { meaning: 'task execution timed out' }],
  [316026, { meaning: 'emergency stop button pressed' }],
  [317001, { meaning: 'media file count failed' }],
  [319001, { meaning: 'dock busy', retryable: true }],
  [319004, { meaning: 'task expired' }],
  [319006, { meaning: 'cannot cancel: the task is running' }],
  [319008, { meaning: 'dock clock not synchronised with the cloud' }],
  [319016, { meaning: 'dock is performing another task', retryable: true }],
  [319026, { meaning: 'battery below the ready condition' }],
  [319027, { meaning: 'storage below storage_capacity' }],
  [319042, { meaning: 'task recovery failed' }],
  [319043, { meaning: 'RTH cancel failed' }],
  [319046, { meaning: 'cannot pause: not in a wayline' }],
  [321773, { meaning: 'low-battery return to home' }],
  [322283, { meaning: 'user triggered return to home' }],
]);

function familyOf(code: number): ResultCodeFamily {
  if (code === 0) return 'success';
  switch (Math.floor(code / 1000)) {
    case 314:
      return 'wayline';
    case 316:
      return 'aircraft_setup';
    case 317:
      return 'media';
    case 319:
      return 'dock_task_state';
    case 321:
    case 322:
      return 'flight_controller';
    default:
      return 'unknown';
  }
}

/** Never throws; a non-integer input is described as an unknown code. */
export function describeResultCode(code: number): ResultCodeDescription {
  if (typeof code !== 'number' || !Number.isInteger(code)) {
    return { code, family: 'unknown', meaning: FAMILY_MEANING.unknown, retryable: false };
  }
  const family = familyOf(code);
  const known = KNOWN_CODES.get(code);
  const meaning =
    known?.meaning ?? (family === 'unknown' ? FAMILY_MEANING.unknown : FAMILY_MEANING[family]);
  const description: ResultCodeDescription = {
    code,
    family,
    meaning,
    retryable: known?.retryable === true,
  };
  return family === 'flight_controller'
    ? { ...description, breakReason: code - FLIGHT_CONTROLLER_BASE }
    : description;
}

/** Flight controller code for a break_point.break_reason (1283 -> 322283). */
export function resultCodeForBreakReason(breakReason: number): number {
  return FLIGHT_CONTROLLER_BASE + breakReason;
}
