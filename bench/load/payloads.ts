/**
 * Uplink payloads shaped after the recorded Dock 3 flight (osd ~1.2 KB, flighttask_progress
 * ~0.7 KB), built by string concatenation so the generator spends its CPU on MQTT, not JSON.
 */
const OSD_DATA =
  '{"network_state":{"type":2,"quality":0,"rate":527},"drone_charge_state":{"state":0,"capacity_percent":59},' +
  '"drone_in_dock":0,"rainfall":0,"wind_speed":0,"environment_temperature":26.9,"temperature":25.4,' +
  '"humidity":82,"heading":36.13,"home_position_is_valid":1,"latitude":29.923595595981183,' +
  '"longitude":121.66347550031378,"height":41.65929412841797,"alternate_land_point":{"latitude":29.92362683533154,' +
  '"longitude":121.66343933401293,"height":0,"safe_land_height":30,"is_configured":1},"first_power_on":1631945855969,' +
  '"position_state":{"is_calibration":1,"is_fixed":2,"quality":5,"gps_number":9,"rtk_number":38},' +
  '"storage":{"total":53082240,"used":20184},"mode_code":4,"cover_state":2,"silent_mode":0,' +
  '"supplement_light_state":0,"emergency_stop_state":0,"air_conditioner":{"air_conditioner_state":1,"switch_time":0},' +
  '"battery_store_mode":1,"alarm_state":0,"putter_state":0}';

export function osdPayload(sn: string, tid: string, now: number): string {
  return `{"tid":"${tid}","bid":"${tid}","timestamp":${now},"gateway":"${sn}","data":${OSD_DATA}}`;
}

export function progressPayload(
  sn: string,
  tid: string,
  now: number,
  needReply: 0 | 1,
  step = 21,
): string {
  const flight = `F-${sn}`;
  return (
    `{"tid":"${tid}","bid":"${flight}","timestamp":${now},"gateway":"${sn}",` +
    `"method":"flighttask_progress","need_reply":${needReply},"data":{"result":0,"output":{` +
    `"ext":{"current_waypoint_index":3,"flight_id":"${flight}","track_id":"8eaacdb3-af20-401b-b59c-e6b5502e5643",` +
    `"wayline_id":0,"wayline_mission_state":5,"media_count":3},` +
    `"progress":{"current_step":${step},"percent":40},"status":"in_progress"}}}`
  );
}

/** Dock i of a run: `${prefix}${i}` zero-padded to 5 digits. */
export function dockSn(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(5, '0')}`;
}

/** The last flighttask_progress of a flight: what a dock sends when the task has ended. */
export function finalProgressPayload(
  sn: string,
  flightId: string,
  tid: string,
  now: number,
  status: 'ok' | 'failed' = 'ok',
): string {
  return (
    `{"tid":"${tid}","bid":"${flightId}","timestamp":${now},"gateway":"${sn}",` +
    `"method":"flighttask_progress","need_reply":0,"data":{"result":0,"output":{` +
    `"ext":{"current_waypoint_index":8,"flight_id":"${flightId}","wayline_mission_state":9,"media_count":8},` +
    `"progress":{"current_step":25,"percent":100},"status":"${status}"}}}`
  );
}
