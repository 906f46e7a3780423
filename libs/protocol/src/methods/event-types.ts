import type { FileUploadCallbackData, HighestPriorityUploadData } from './media';
import { EventMethod } from './method-names';

/** Where an interrupted wayline stopped; feed it back to flighttask_prepare.break_point. */
export interface ProgressBreakPoint {
  readonly index?: number;
  /** BREAK_POINT_STATE */
  readonly state?: number;
  /** 0..1 along the current segment. */
  readonly progress?: number;
  readonly wayline_id?: number;
  /** result code = 321000 + break_reason (1283 -> 322283 user triggered RTH). */
  readonly break_reason?: number;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly height?: number;
  readonly attitude_head?: number;
  readonly [key: string]: unknown;
}

/** ext of flighttask_progress. Unlisted keys (`transition_wayline_info`) are kept. */
export interface ProgressExt {
  readonly current_waypoint_index?: number;
  /** WAYLINE_MISSION_STATE */
  readonly wayline_mission_state?: number;
  readonly media_count?: number;
  readonly track_id?: string;
  readonly flight_id?: string;
  readonly wayline_id?: number;
  readonly break_point?: ProgressBreakPoint;
  readonly [key: string]: unknown;
}

export interface ProgressSteps {
  /** CURRENT_STEP; unknown values (49, 0xFFFFF) pass through. */
  readonly current_step: number;
  /** 0..100 */
  readonly percent: number;
  readonly [key: string]: unknown;
}

/**
 * CANONICAL flighttask_progress data: the shape real docks and the spec example send,
 * `{result, output: {status, progress?, ext?}}`. A flat message (`data.{status, progress, ext}`,
 * as the spec table reads) is rewrapped into it with result 0 when absent (flag
 * `progress_flat_shape`), so consumers read one path: `data.output.status`.
 */
export interface FlighttaskProgressData {
  /** The task's error code on a final status; 0 otherwise. */
  readonly result: number;
  readonly output: {
    /** TaskStatus normally; an unknown string passes through (see isFinalTaskStatus). */
    readonly status: string;
    readonly progress?: ProgressSteps;
    readonly ext?: ProgressExt;
  };
}

export interface FlighttaskReadyData {
  readonly flight_ids: readonly string[];
}

export interface PathPoint {
  readonly latitude: number;
  readonly longitude: number;
  readonly height: number;
}

export interface ReturnHomeInfoData {
  /** May be `""` when no task is running. */
  readonly flight_id?: string;
  /** The whole planned route; `[]` when the dock sent none (it does, as the return ends). */
  readonly planned_path_points: readonly PathPoint[];
  /** LAST_POINT_TYPE; absent together with the route. */
  readonly last_point_type?: number;
  readonly [key: string]: unknown;
}

export interface DeviceExitHomingNotifyData {
  /** EXIT_HOMING_ACTION; was a string in the spec example for `reason` (trap 2). */
  readonly action: number;
  /** EXIT_HOMING_REASON */
  readonly reason: number;
  /** Not in the table but sent (trap 3): kept. */
  readonly sn?: string;
  readonly [key: string]: unknown;
}

/** Keys are exactly EventMethod: the validator registry is typed against this map. */
export interface EventDataMap {
  flighttask_progress: FlighttaskProgressData;
  flighttask_ready: FlighttaskReadyData;
  return_home_info: ReturnHomeInfoData;
  device_exit_homing_notify: DeviceExitHomingNotifyData;
  file_upload_callback: FileUploadCallbackData;
  highest_priority_upload_flighttask_media: HighestPriorityUploadData;
}

export type EventData<M extends EventMethod> = EventDataMap[M];
