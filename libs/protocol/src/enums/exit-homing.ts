import { defineEnumTable } from './enum-table';

/** device_exit_homing_notify.action */
export const EXIT_HOMING_ACTION = defineEnumTable<number>('action', [
  [0, 'Left the exiting-RTH state'],
  [1, 'Entered the exiting-RTH state (the aircraft aborts its return)'],
]);

/** device_exit_homing_notify.reason: why the aircraft left its return-to-home. */
export const EXIT_HOMING_REASON = defineEnumTable<number>('reason', [
  [0, 'Joystick throttle applied'],
  [1, 'Joystick pitch applied'],
  [2, 'Behavior tree initialisation failed'],
  [3, 'Surrounded by obstacles'],
  [4, 'Flight restriction triggered'],
  [5, 'Obstacle too close'],
  [6, 'No GPS signal'],
  [7, 'GPS and VIO position output flag is false'],
  [8, 'GPS and VIO fusion position error too large'],
  [9, 'Backtrack over a short distance'],
  [10, 'RTH triggered at a short distance'],
]);
