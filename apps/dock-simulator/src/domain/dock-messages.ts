import type { FlighttaskProgressData, ProgressBreakPoint, ProgressExt } from '@dock/protocol';
import { GeoPoint } from './behaviour';

/**
 * The `data` of what a dock publishes, shaped like the recorded Dock 3 (canonical, nested
 * progress); wire-encoding.ts turns them into the spec's traps when quirks are on.
 */

export const DOCK_MODEL = { domain: '3', type: 3, sub_type: 0 } as const;
/** The recorded aircraft: M4TD, device_model_key 0-100-1. */
export const AIRCRAFT_MODEL = { domain: '0', type: 100, sub_type: 1 } as const;

export function updateTopoData(aircraftSn: string | null): Record<string, unknown> {
  return {
    ...DOCK_MODEL,
    device_secret: 'simulated-secret',
    nonce: 'simulated-nonce',
    thing_version: '1.3.0',
    // `[]` is how a dock says its aircraft went offline.
    sub_devices:
      aircraftSn === null
        ? []
        : [
            {
              sn: aircraftSn,
              ...AIRCRAFT_MODEL,
              index: 'A',
              device_secret: 'simulated-secret',
              nonce: 'simulated-nonce',
              thing_version: '1.3.0',
            },
          ],
  };
}

export interface OsdInput {
  readonly aircraftSn: string;
  readonly battery: number;
  readonly charging: boolean;
  readonly flying: boolean;
  readonly working: boolean;
  readonly home: GeoPoint;
  readonly jobNumber: number;
}

/** A dock osd push (no method), with the fields a fleet view reads. */
export function dockOsdData(input: OsdInput): Record<string, unknown> {
  return {
    network_state: { type: 2, quality: 4, rate: 520 },
    drone_charge_state: {
      state: input.charging ? 1 : 0,
      capacity_percent: Math.round(input.battery),
    },
    drone_in_dock: input.flying ? 0 : 1,
    rainfall: 0,
    wind_speed: 1.2,
    environment_temperature: 24.5,
    temperature: 25.4,
    humidity: 60,
    latitude: input.home.latitude,
    longitude: input.home.longitude,
    height: input.home.height,
    home_position_is_valid: 1,
    // mode_code 4 = working, 0 = idle; cover_state 1 = open while the aircraft is out.
    mode_code: input.working ? 4 : 0,
    cover_state: input.flying ? 1 : 0,
    emergency_stop_state: 0,
    alarm_state: 0,
    job_number: input.jobNumber,
    storage: { total: 53_082_240, used: 20_184 },
    sub_device: {
      device_sn: input.aircraftSn,
      device_model_key: '0-100-1',
      device_online_status: 1,
      device_paired: 1,
    },
  };
}

export interface ProgressInput {
  readonly flightId: string;
  readonly trackId: string;
  readonly status: string;
  readonly result: number;
  readonly step: number;
  readonly percent: number;
  readonly waypointIndex: number;
  readonly waylineMissionState: number;
  readonly mediaCount: number;
  readonly breakPoint?: ProgressBreakPoint;
  /** The route to the first waypoint, as the Dock 3 sends while taking off. */
  readonly transitionPath?: readonly GeoPoint[];
}

export function progressData(input: ProgressInput): FlighttaskProgressData {
  const ext: ProgressExt = {
    current_waypoint_index: input.waypointIndex,
    wayline_mission_state: input.waylineMissionState,
    media_count: input.mediaCount,
    flight_id: input.flightId,
    track_id: input.trackId,
    wayline_id: 0,
    ...(input.breakPoint === undefined ? {} : { break_point: input.breakPoint }),
    ...(input.transitionPath === undefined
      ? {}
      : {
          transition_wayline_info: {
            last_point_type: 0,
            planned_path_points: input.transitionPath,
          },
        }),
  };
  return {
    result: input.result,
    output: {
      status: input.status,
      progress: { current_step: input.step, percent: input.percent },
      ext,
    },
  };
}
