import { defineEnumTable } from './enum-table';

/** Enumerations of flighttask_prepare. Going down, values outside these tables are refused. */

export const TASK_TYPE = defineEnumTable<0 | 1 | 2>('task_type', [
  [0, 'Immediate'],
  [1, 'Timed'],
  [2, 'Conditional'],
]);
export type TaskType = 0 | 1 | 2;

/**
 * The table lists only 0, yet the documented prepare example sends 1 (trap 5), so both are
 * accepted; 1 is undocumented and labelled as such.
 */
export const WAYLINE_TYPE = defineEnumTable<0 | 1>('wayline_type', [
  [0, 'Normal waypoint wayline'],
  [1, 'Undocumented (sent by the spec example)'],
]);

/** The dock currently only supports 1 (preset height). */
export const RTH_MODE = defineEnumTable<0 | 1>('rth_mode', [
  [0, 'Optimal height'],
  [1, 'Preset height'],
]);

export const OUT_OF_CONTROL_ACTION = defineEnumTable<0 | 1 | 2>('out_of_control_action', [
  [0, 'Return to home'],
  [1, 'Hover'],
  [2, 'Land'],
]);

export const EXIT_WAYLINE_WHEN_RC_LOST = defineEnumTable<0 | 1>('exit_wayline_when_rc_lost', [
  [0, 'Continue the wayline'],
  [1, 'Exit the wayline and perform the out-of-control action'],
]);

export const SIMULATE_MISSION_ENABLE = defineEnumTable<0 | 1>('simulate_mission.is_enable', [
  [0, 'Disabled'],
  [1, 'Enabled'],
]);
