/**
 * The `--hms` behaviour: an aircraft health alert mid-flight. A dock's hms message is its
 * complete alert set (dock-hms.md), sent every progress tick while airborne: the list is empty
 * at first, holds one aircraft alert from the 3rd to the 5th airborne tick (raised, then
 * repeated), and is empty again from the 6th (cleared).
 */
export const SIMULATED_HMS_ALERT = {
  level: 2,
  module: 3,
  in_the_sky: 1,
  code: '0x16100083',
  device_type: '0-67-0',
  imminent: 0,
  args: { component_index: 0, sensor_index: 0 },
} as const;

export function hmsListAt(airborneTick: number): (typeof SIMULATED_HMS_ALERT)[] {
  return airborneTick >= 3 && airborneTick <= 5 ? [SIMULATED_HMS_ALERT] : [];
}
