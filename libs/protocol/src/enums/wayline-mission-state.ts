import { defineEnumTable } from './enum-table';

/** flighttask_progress ext.wayline_mission_state. */
export const WAYLINE_MISSION_STATE = defineEnumTable<number>('ext.wayline_mission_state', [
  [0, 'Disconnected'],
  [1, 'Waypoint not supported'],
  [2, 'Wayline ready: a file can be uploaded, an uploaded file can be executed'],
  [3, 'Wayline file uploading'],
  [4, 'Start command triggered: aircraft reading the wayline, preparing'],
  [5, 'Entering the wayline, arriving at the first waypoint'],
  [6, 'Executing the wayline'],
  [7, 'Wayline interrupted (paused by the user or flight control abnormal)'],
  [8, 'Wayline resumed'],
  [9, 'Wayline stopped'],
]);
