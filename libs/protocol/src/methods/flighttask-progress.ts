import { addFlag, FlagSink } from '../flags';
import { isRecord } from '../validation/checks';
import { Decoded, invalid, valid } from '../validation/decoded';
import {
  checkOptionalNumbers,
  checkOptionalStrings,
  readInt,
  readOptionalInts,
  readString,
} from '../validation/lenient';
import { DataValidator } from './data-validator';
import { FlighttaskProgressData, ProgressExt, ProgressSteps } from './event-types';

/**
 * flighttask_progress (up). Trap 4: the table puts ext/status/progress under `data`, the example
 * and real docks under `data.output` next to `data.result`. Both are accepted and returned in
 * the nested shape (see FlighttaskProgressData). Failure paths name where the value WAS, so an
 * operator can find it in the raw message.
 */
export const validateFlighttaskProgressData: DataValidator<FlighttaskProgressData> = (
  data,
  flags,
) => {
  if (!isRecord(data)) return invalid('data', 'object', data);

  const nested = data.output !== undefined;
  if (nested && !isRecord(data.output)) return invalid('data.output', 'object', data.output);
  if (!nested) addFlag(flags, 'progress_flat_shape');
  const body = (nested ? data.output : data) as Record<string, unknown>;
  const bodyPath = nested ? 'data.output' : 'data';

  // The flat table form has no result; no code means no error.
  const result =
    data.result === undefined ? valid(0) : readInt(data.result, 'data.result', flags, { min: 0 });
  if (!result.ok) return result;

  const status = readString(body.status, `${bodyPath}.status`);
  if (!status.ok) return status;

  const progress =
    body.progress === undefined
      ? valid(undefined)
      : readProgress(body.progress, `${bodyPath}.progress`, flags);
  if (!progress.ok) return progress;

  const ext =
    body.ext === undefined ? valid(undefined) : readExt(body.ext, `${bodyPath}.ext`, flags);
  if (!ext.ok) return ext;

  // The flat form's `result` belongs beside output, not in it. Rest-spreading copies own data
  // properties without invoking setters (safe even for odd keys).
  const { result: _flatResult, ...output } = body;
  output.status = status.value;
  if (progress.value !== undefined) output.progress = progress.value;
  if (ext.value !== undefined) output.ext = ext.value;
  const canonical = nested ? { ...data } : {};
  return valid({ ...canonical, result: result.value, output } as FlighttaskProgressData);
};

function readProgress(value: unknown, path: string, flags: FlagSink): Decoded<ProgressSteps> {
  if (!isRecord(value)) return invalid(path, 'object', value);
  // current_step is an open enum (trap 6): any integer, labelled later by CURRENT_STEP.
  const step = readInt(value.current_step, `${path}.current_step`, flags);
  if (!step.ok) return step;
  const percent = readInt(value.percent, `${path}.percent`, flags, { min: 0, max: 100 });
  if (!percent.ok) return percent;
  return valid({ ...value, current_step: step.value, percent: percent.value });
}

const EXT_INTS = ['current_waypoint_index', 'wayline_mission_state', 'media_count', 'wayline_id'];
const EXT_STRINGS = ['track_id', 'flight_id'];
const BREAK_POINT_INTS = ['index', 'state', 'wayline_id', 'break_reason'];
const BREAK_POINT_NUMBERS = {
  progress: { min: 0, max: 1 },
  latitude: { min: -90, max: 90 },
  longitude: { min: -180, max: 180 },
  height: {},
  attitude_head: {},
};

function readExt(value: unknown, path: string, flags: FlagSink): Decoded<ProgressExt> {
  if (!isRecord(value)) return invalid(path, 'object', value);
  const strings = checkOptionalStrings(value, path, EXT_STRINGS);
  if (strings) return strings;
  const ext = readOptionalInts(value, path, EXT_INTS, flags);
  if (!ext.ok) return ext;
  const breakPoint = ext.value.break_point;
  if (breakPoint === undefined) return ext;

  const breakPath = `${path}.break_point`;
  if (!isRecord(breakPoint)) return invalid(breakPath, 'object', breakPoint);
  const numbers = checkOptionalNumbers(breakPoint, breakPath, BREAK_POINT_NUMBERS);
  if (numbers) return numbers;
  const ints = readOptionalInts(breakPoint, breakPath, BREAK_POINT_INTS, flags);
  if (!ints.ok) return ints;
  return ints.value === breakPoint ? ext : valid({ ...ext.value, break_point: ints.value });
}
