import { defineEnumTable } from './enum-table';

/** return_home_info.last_point_type */
export const LAST_POINT_TYPE = defineEnumTable<number>('last_point_type', [
  [0, 'Last trajectory point is above the return point'],
  [1, 'Last trajectory point is not above the return point (no-fly zone or obstacle)'],
]);

/** break_point.state, in flighttask_progress ext and flighttask_prepare. */
export const BREAK_POINT_STATE = defineEnumTable<number>('break_point.state', [
  [0, 'On a wayline segment'],
  [1, 'On a waypoint'],
]);
