/**
 * The result codes the simulated dock answers with (spec README, "Result codes"). Where the
 * spec names no code for a case, the choice is documented here and in the README.
 */
export const RESULT = {
  OK: 0,
  /** Unknown or deprecated methods (flighttask_create); return_home with the aircraft home. */
  NOT_SUPPORTED_IN_STATE: 314000,
  /** Chosen for any command whose data fails the protocol library's validation. */
  INVALID_COMMAND: 314003,
  MD5_MISMATCH: 314005,
  /** No requests_reply in time, a refusal in it, or a failed download. */
  KMZ_UNAVAILABLE: 314013,
  BATTERY_TOO_LOW: 316009,
  /** Execute of a flight id the dock does not hold (never prepared, ended, or past end_time). */
  TASK_EXPIRED: 319004,
  CANNOT_UNDO_RUNNING: 319006,
  OTHER_TASK_RUNNING: 319016,
  BELOW_READY_BATTERY: 319026,
  RECOVERY_FAILED: 319042,
  RTH_CANCEL_FAILED: 319043,
  CANNOT_PAUSE: 319046,
  /** 321000 + break_reason 1283: the task ends with it after a return_home (as the Dock 3). */
  USER_TRIGGERED_RTH: 322283,
} as const;

/** Minimum battery for any take-off (316009 below it). */
export const MIN_TAKEOFF_BATTERY = 30;
