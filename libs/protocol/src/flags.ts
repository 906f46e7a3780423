/**
 * Traps we accepted while normalising, recorded so the gateway can count them (a metric per
 * flag) without us rejecting field traffic. A message with no flags shares one frozen array.
 */
export type NormaliseFlag =
  /** Trap 1: the timestamp came under the key `"timestamp:"`. */
  | 'timestamp_colon_key'
  /** No timestamp at all: kept as `null`, the caller may substitute its receive time. */
  | 'timestamp_missing'
  /** Trap 2: an int / enum_int arrived as a numeric string (`"reason": "0"`). */
  | 'int_from_string'
  /** Trap 4: flighttask_progress had ext/status/progress directly under `data`. */
  | 'progress_flat_shape'
  /** The payload's `gateway` field names another SN than the topic. */
  | 'gateway_mismatch'
  /** A real cloud sent `data: ""` for a command without parameters (return_home). */
  | 'empty_string_data'
  /** A float arrived as a numeric string (file_upload_callback's `"gimbal_yaw_degree": "-91.40"`). */
  | 'number_from_string'
  /** file_upload_callback's capture time came as `created_time` (the Demo's name). */
  | 'created_time_key';

/** Collects flags while one message is normalised. */
export type FlagSink = NormaliseFlag[];

export function addFlag(sink: FlagSink, flag: NormaliseFlag): void {
  if (!sink.includes(flag)) sink.push(flag);
}

export const NO_FLAGS: readonly NormaliseFlag[] = Object.freeze([]);
