import { Decoded, FlighttaskPrepareData, validatePrepareData } from '@dock/protocol';
import { Task, TaskSpec, TASK_TYPE_IMMEDIATE, WaylineFileRef } from './task';

/**
 * The flighttask_prepare data of a task, checked by the protocol's own (strict) validator, so
 * nothing the gateway would refuse ever leaves this service.
 */
export function buildPrepareData(
  flightId: string,
  spec: TaskSpec,
  file: WaylineFileRef,
): Decoded<FlighttaskPrepareData> {
  const data: Record<string, unknown> = {
    flight_id: flightId,
    task_type: spec.taskType,
    wayline_type: spec.waylineType,
    file: { url: file.url, fingerprint: file.fingerprint },
    rth_altitude: spec.rthAltitude,
    out_of_control_action: spec.outOfControlAction,
    exit_wayline_when_rc_lost: spec.exitWaylineWhenRcLost,
  };
  if (spec.executeTime !== null) data.execute_time = spec.executeTime;
  if (spec.readyConditions) data.ready_conditions = spec.readyConditions;
  if (spec.executableConditions) data.executable_conditions = spec.executableConditions;
  if (spec.breakPoint) data.break_point = spec.breakPoint;
  if (spec.rthMode !== null) data.rth_mode = spec.rthMode;
  if (spec.simulateMission) data.simulate_mission = spec.simulateMission;
  return validatePrepareData(data, []);
}

/** A placeholder file so a task's spec can be validated before any URL exists. */
export const PLACEHOLDER_FILE: WaylineFileRef = {
  url: 'https://placeholder.invalid/wayline.kmz',
  fingerprint: '00000000000000000000000000000000',
};

/** An immediate task gets its execute_time when the prepare goes out; any valid one checks. */
const PLACEHOLDER_EXECUTE_TIME = 1_700_000_000_000;

export function validateSpec(
  task: Pick<Task, 'flightId' | 'spec'>,
): Decoded<FlighttaskPrepareData> {
  const spec =
    task.spec.taskType === TASK_TYPE_IMMEDIATE && task.spec.executeTime === null
      ? { ...task.spec, executeTime: PLACEHOLDER_EXECUTE_TIME }
      : task.spec;
  return buildPrepareData(task.flightId, spec, PLACEHOLDER_FILE);
}
