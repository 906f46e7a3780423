import type { HmsEntry } from '@dock/protocol';

/** One alert as the alerts service keeps it: an HMS list entry with its history. */
export interface StoredAlert {
  readonly id: string;
  readonly key: string;
  readonly gatewaySn: string;
  readonly flightId: string | null;
  readonly deviceType: string;
  readonly code: string;
  readonly level: number;
  readonly module: number;
  readonly inTheSky: boolean;
  readonly imminent: boolean;
  readonly componentIndex: number | null;
  readonly sensorIndex: number | null;
  readonly args: Record<string, unknown>;
  readonly message: string | null;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  readonly clearedAt: number | null;
  readonly count: number;
}

/**
 * What an alert is about and says, in the order both its API view and its alerts.hms record
 * list it (each adds its own ids and times around it).
 */
export function alertFacts(alert: StoredAlert) {
  return {
    gatewaySn: alert.gatewaySn,
    flightId: alert.flightId,
    deviceType: alert.deviceType,
    code: alert.code,
    level: alert.level,
    module: alert.module,
    inTheSky: alert.inTheSky,
    imminent: alert.imminent,
    componentIndex: alert.componentIndex,
    sensorIndex: alert.sensorIndex,
    args: alert.args,
    message: alert.message,
  };
}

/**
 * What makes two list entries the same alert: the device that raised it, the code and the
 * component/sensor it is about. Level and in_the_sky may change while the alert stands (an
 * alert raised on the ground stays the same alert after take-off), so they are not part of it.
 */
export function alertKey(entry: HmsEntry): string {
  return [
    entry.device_type,
    entry.code.toLowerCase(),
    indexOf(entry.args.component_index),
    indexOf(entry.args.sensor_index),
  ].join('|');
}

export function indexOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}
