import type { UploadMediaPrioritizeData } from './media';
import { TaskType } from '../enums/prepare-options';

/** The KMZ the dock downloads; fingerprint is the MD5 of the file bytes. */
export interface WaylineFile {
  readonly url: string;
  readonly fingerprint: string;
}

/** Deprecated command: the file is signed with `sign` instead of `fingerprint`. */
export interface FlighttaskCreateData {
  readonly flight_id: string;
  readonly type: string;
  readonly file: { readonly url: string; readonly sign: string };
}

/** Conditional tasks (task_type 2) start only when these hold, inside [begin_time, end_time]. */
export interface ReadyConditions {
  /** Minimum aircraft battery, %. */
  readonly battery_capacity: number;
  readonly begin_time: number;
  readonly end_time: number;
}

export interface ExecutableConditions {
  /** Minimum free storage on dock / aircraft, MB. */
  readonly storage_capacity: number;
}

/** Where an interrupted wayline resumes: copy it from flighttask_progress ext.break_point. */
export interface PrepareBreakPoint {
  readonly index: number;
  readonly state: number;
  readonly progress: number;
  readonly wayline_id: number;
}

export interface SimulateMission {
  readonly is_enable: 0 | 1;
  readonly latitude: number;
  readonly longitude: number;
}

export interface FlighttaskPrepareData {
  readonly flight_id: string;
  readonly task_type: TaskType;
  /** 13-digit ms. Required for task_type 0 and 1; optional (ignored) for 2. */
  readonly execute_time?: number;
  /** 0 per the table; 1 accepted because the spec example sends it (trap 5). */
  readonly wayline_type: 0 | 1;
  readonly file: WaylineFile;
  /** Required for task_type 2. */
  readonly ready_conditions?: ReadyConditions;
  readonly executable_conditions?: ExecutableConditions;
  readonly break_point?: PrepareBreakPoint;
  /** Metres, 20..1500. */
  readonly rth_altitude: number;
  readonly rth_mode?: 0 | 1;
  readonly out_of_control_action: 0 | 1 | 2;
  readonly exit_wayline_when_rc_lost: 0 | 1;
  readonly simulate_mission?: SimulateMission;
}

export interface FlighttaskExecuteData {
  readonly flight_id: string;
}

export interface FlighttaskUndoData {
  readonly flight_ids: readonly string[];
}

/**
 * pause / recovery: the spec says "Data: null" and its examples send `{}`; the cloud of the
 * recording sends `{flight_ids: [""]}`. Both are accepted; flight_ids is passed through.
 */
export interface FlightIdsSelector {
  readonly flight_ids?: readonly string[];
}

/** return_home / return_home_cancel carry no parameters; we send `{}`. */
export type NoParameters = Readonly<Record<string, never>>;

/** Keys are exactly ServiceMethod: the validator registry is typed against this map. */
export interface ServiceDataMap {
  flighttask_create: FlighttaskCreateData;
  flighttask_prepare: FlighttaskPrepareData;
  flighttask_execute: FlighttaskExecuteData;
  flighttask_undo: FlighttaskUndoData;
  flighttask_pause: FlightIdsSelector;
  flighttask_recovery: FlightIdsSelector;
  return_home: NoParameters;
  return_home_cancel: NoParameters;
  upload_flighttask_media_prioritize: UploadMediaPrioritizeData;
}

/**
 * services_reply data. `output.status` appears on return_home replies (trap 8); other methods'
 * outputs are passed through as they come.
 */
export interface ServiceReplyData {
  readonly result: number;
  readonly output?: { readonly status?: string; readonly [key: string]: unknown };
}

/** `{result}`: events_reply, status_reply, state_reply. */
export interface ResultOnlyData {
  readonly result: number;
}
