/**
 * The API names of flighttask_prepare fields, so a refusal by the protocol's validator
 * (`data.ready_conditions.end_time`) names the field the client sent (`readyConditions.endTime`).
 */
const NAMES: Record<string, string> = {
  execute_time: 'executeTime',
  task_type: 'taskType',
  wayline_type: 'waylineType',
  ready_conditions: 'readyConditions',
  battery_capacity: 'batteryCapacity',
  begin_time: 'beginTime',
  end_time: 'endTime',
  executable_conditions: 'executableConditions',
  storage_capacity: 'storageCapacity',
  break_point: 'breakPoint',
  wayline_id: 'waylineId',
  rth_altitude: 'rthAltitude',
  rth_mode: 'rthMode',
  out_of_control_action: 'outOfControlAction',
  exit_wayline_when_rc_lost: 'exitWaylineWhenRcLost',
  simulate_mission: 'simulateMission',
  is_enable: 'isEnable',
};

export function specFieldName(protocolPath: string): string {
  return protocolPath
    .replace(/^data\.?/, '')
    .split('.')
    .map((part) => NAMES[part] ?? part)
    .join('.');
}
