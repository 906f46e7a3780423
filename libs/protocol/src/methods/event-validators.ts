import { isRecord } from '../validation/checks';
import { childPath, Decoded, invalid, valid } from '../validation/decoded';
import { readInt, readNumber, readString, readStringArray } from '../validation/lenient';
import { DataValidator } from './data-validator';
import {
  DeviceExitHomingNotifyData,
  EventDataMap,
  FlighttaskReadyData,
  PathPoint,
  ReturnHomeInfoData,
} from './event-types';
import { validateFlighttaskProgressData } from './flighttask-progress';
import { validateFileUploadCallbackData, validateHighestPriorityUploadData } from './media';
import { EventMethod } from './method-names';
import { validateResultOnlyData } from './reply-validators';
import { ResultOnlyData } from './service-types';

/** Event validators (up, lenient): unlisted keys are kept, enum values are open. */

export const validateFlighttaskReadyData: DataValidator<FlighttaskReadyData> = (data) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const ids = readStringArray(data.flight_ids, 'data.flight_ids');
  if (!ids.ok) return ids;
  return valid({ ...data, flight_ids: ids.value });
};

export const validateReturnHomeInfoData: DataValidator<ReturnHomeInfoData> = (data, flags) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  if (data.flight_id !== undefined) {
    const flightId = readString(data.flight_id, 'data.flight_id');
    if (!flightId.ok) return flightId;
  }
  // The recording has 7 pushes with only flight_id (as the return ends). Each push replaces the
  // whole route, so an absent route is an empty one: consumers always get an array.
  const points = data.planned_path_points ?? [];
  if (!Array.isArray(points)) return invalid('data.planned_path_points', 'array', points);
  for (let i = 0; i < points.length; i++) {
    const point = readPathPoint(points[i], childPath('data.planned_path_points', i));
    if (!point.ok) return point;
  }
  if (data.last_point_type === undefined) {
    return valid({ ...data, planned_path_points: points as PathPoint[] });
  }
  const lastPointType = readInt(data.last_point_type, 'data.last_point_type', flags);
  if (!lastPointType.ok) return lastPointType;
  return valid({
    ...data,
    planned_path_points: points as PathPoint[],
    last_point_type: lastPointType.value,
  });
};

function readPathPoint(value: unknown, path: string): Decoded<PathPoint> {
  if (!isRecord(value)) return invalid(path, 'object', value);
  const latitude = readNumber(value.latitude, `${path}.latitude`, { min: -90, max: 90 });
  if (!latitude.ok) return latitude;
  const longitude = readNumber(value.longitude, `${path}.longitude`, { min: -180, max: 180 });
  if (!longitude.ok) return longitude;
  const height = readNumber(value.height, `${path}.height`);
  if (!height.ok) return height;
  return valid(value as unknown as PathPoint);
}

/** Trap 2 (`"reason": "0"`) and trap 3 (extra `sn`, kept) live here. */
export const validateDeviceExitHomingNotifyData: DataValidator<DeviceExitHomingNotifyData> = (
  data,
  flags,
) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const action = readInt(data.action, 'data.action', flags);
  if (!action.ok) return action;
  const reason = readInt(data.reason, 'data.reason', flags);
  if (!reason.ok) return reason;
  if (data.sn !== undefined) {
    const sn = readString(data.sn, 'data.sn');
    if (!sn.ok) return sn;
  }
  return valid({ ...data, action: action.value, reason: reason.value });
};

export const EVENT_DATA_VALIDATORS: {
  readonly [M in EventMethod]: DataValidator<EventDataMap[M]>;
} = {
  flighttask_progress: validateFlighttaskProgressData,
  flighttask_ready: validateFlighttaskReadyData,
  return_home_info: validateReturnHomeInfoData,
  device_exit_homing_notify: validateDeviceExitHomingNotifyData,
  file_upload_callback: validateFileUploadCallbackData,
  highest_priority_upload_flighttask_media: validateHighestPriorityUploadData,
};

/** events_reply (down): `{result}` for every event we know. */
export const EVENT_REPLY_DATA_VALIDATORS: {
  readonly [M in EventMethod]: DataValidator<ResultOnlyData>;
} = {
  flighttask_progress: validateResultOnlyData,
  flighttask_ready: validateResultOnlyData,
  return_home_info: validateResultOnlyData,
  device_exit_homing_notify: validateResultOnlyData,
  file_upload_callback: validateResultOnlyData,
  highest_priority_upload_flighttask_media: validateResultOnlyData,
};
