import { prioritizeFields, UploadMediaPrioritizeData } from './media';
import {
  EXIT_WAYLINE_WHEN_RC_LOST,
  OUT_OF_CONTROL_ACTION,
  RTH_MODE,
  SIMULATE_MISSION_ENABLE,
  TASK_TYPE,
  WAYLINE_TYPE,
} from '../enums/prepare-options';
import { addFlag } from '../flags';
import {
  anyString,
  arrayOf,
  Check,
  decodeWith,
  epochMillis13,
  httpUrl,
  integerIn,
  isRecord,
  nonEmptyString,
  numberIn,
  objectWith,
  oneOf,
  optional,
} from '../validation/checks';
import { invalid, valid } from '../validation/decoded';
import { DataValidator } from './data-validator';
import { ServiceMethod } from './method-names';
import {
  ExecutableConditions,
  FlighttaskCreateData,
  FlighttaskExecuteData,
  FlighttaskPrepareData,
  FlighttaskUndoData,
  FlightIdsSelector,
  NoParameters,
  PrepareBreakPoint,
  ReadyConditions,
  ServiceDataMap,
  SimulateMission,
  WaylineFile,
} from './service-types';

/**
 * Strict validators for commands going DOWN (we build them; see validation/checks.ts).
 * They also accept what the recording's real cloud sent for parameterless commands, so the
 * same code can audit observed downlink traffic.
 */

/** Flight ids are ours (UUIDs or `T-...`); 64 leaves headroom without allowing junk. */
const flightId = nonEmptyString(64);
const percent = integerIn(0, 100);
const MAX_INT32 = 2_147_483_647;

const waylineFile = objectWith<WaylineFile>({ url: httpUrl, fingerprint: nonEmptyString(256) });

const readyConditions = objectWith<ReadyConditions>({
  battery_capacity: percent,
  begin_time: epochMillis13,
  end_time: epochMillis13,
});

const prepareFields = objectWith<FlighttaskPrepareData>({
  flight_id: flightId,
  task_type: oneOf(TASK_TYPE.values),
  execute_time: optional(epochMillis13),
  wayline_type: oneOf(WAYLINE_TYPE.values),
  file: waylineFile,
  ready_conditions: optional(readyConditions),
  executable_conditions: optional(
    objectWith<ExecutableConditions>({ storage_capacity: integerIn(0, MAX_INT32) }),
  ),
  break_point: optional(
    objectWith<PrepareBreakPoint>({
      index: integerIn(0, MAX_INT32),
      state: oneOf([0, 1]),
      progress: numberIn(0, 1),
      wayline_id: integerIn(0, MAX_INT32),
    }),
  ),
  rth_altitude: integerIn(20, 1500),
  rth_mode: optional(oneOf(RTH_MODE.values)),
  out_of_control_action: oneOf(OUT_OF_CONTROL_ACTION.values),
  exit_wayline_when_rc_lost: oneOf(EXIT_WAYLINE_WHEN_RC_LOST.values),
  simulate_mission: optional(
    objectWith<SimulateMission>({
      is_enable: oneOf(SIMULATE_MISSION_ENABLE.values),
      latitude: numberIn(-90, 90),
      longitude: numberIn(-180, 180),
    }),
  ),
});

/** Field checks, then the rules that tie fields together (spec README, "Task types"). */
export const validatePrepareData: DataValidator<FlighttaskPrepareData> = (data) => {
  const fields = prepareFields(data, 'data');
  if (fields) return fields;
  const prepare = data as FlighttaskPrepareData;
  if (prepare.task_type !== 2 && prepare.execute_time === undefined) {
    return invalid('data.execute_time', 'required when task_type is 0 or 1', undefined);
  }
  if (prepare.task_type === 2) {
    if (prepare.ready_conditions === undefined) {
      return invalid('data.ready_conditions', 'required when task_type is 2', undefined);
    }
    const { begin_time, end_time } = prepare.ready_conditions;
    if (begin_time > end_time) {
      return invalid('data.ready_conditions.end_time', 'not before begin_time', end_time);
    }
  }
  return valid(prepare);
};

const createFields = objectWith<FlighttaskCreateData>({
  flight_id: flightId,
  type: nonEmptyString(64),
  file: objectWith<FlighttaskCreateData['file']>({ url: httpUrl, sign: nonEmptyString(256) }),
});

const executeFields = objectWith<FlighttaskExecuteData>({ flight_id: flightId });

const undoFields = objectWith<FlighttaskUndoData>({
  flight_ids: arrayOf(flightId, { minLength: 1 }),
});

/** Ids are passed through as given: the recording's cloud sent `[""]` and the dock accepted. */
const selectorFields = objectWith<FlightIdsSelector>({ flight_ids: optional(arrayOf(anyString)) });

function strict<T>(check: Check): DataValidator<T> {
  return (data) => decodeWith<T>(check, data, 'data');
}

/**
 * pause / recovery / return_home / return_home_cancel are documented with "Data: null".
 * `{}` is what we send; absent, null and `""` (the recording's return_home) mean the same and
 * become `{}` so consumers see one shape.
 */
function parameterless<T extends object>(check: Check): DataValidator<T> {
  return (data, flags) => {
    if (data === undefined || data === null || data === '') {
      if (data === '') addFlag(flags, 'empty_string_data');
      return valid({} as T);
    }
    if (!isRecord(data)) return invalid('data', 'object, or empty (null, "")', data);
    return decodeWith<T>(check, data, 'data');
  };
}

const anyObject: Check = (value, path) => (isRecord(value) ? null : invalid(path, 'object', value));

export const SERVICE_DATA_VALIDATORS: {
  readonly [M in ServiceMethod]: DataValidator<ServiceDataMap[M]>;
} = {
  flighttask_create: strict<FlighttaskCreateData>(createFields),
  flighttask_prepare: validatePrepareData,
  flighttask_execute: strict<FlighttaskExecuteData>(executeFields),
  flighttask_undo: strict<FlighttaskUndoData>(undoFields),
  flighttask_pause: parameterless<FlightIdsSelector>(selectorFields),
  flighttask_recovery: parameterless<FlightIdsSelector>(selectorFields),
  return_home: parameterless<NoParameters>(anyObject),
  return_home_cancel: parameterless<NoParameters>(anyObject),
  upload_flighttask_media_prioritize: strict<UploadMediaPrioritizeData>(prioritizeFields),
};
