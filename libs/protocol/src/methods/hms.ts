import { FlagSink } from '../flags';
import { isRecord } from '../validation/checks';
import { childPath, Decoded, invalid, valid } from '../validation/decoded';
import { readInt, readString } from '../validation/lenient';
import { DataValidator } from './data-validator';

/**
 * `hms` on `events` (dock-hms.md): the dock's and aircraft's health alarms. Every message holds
 * the COMPLETE current alarm set (the real Dock 3 sends one every ~2 s, mostly `{"list":[]}`),
 * so an alarm missing from the latest message has cleared. No reply is needed.
 *
 * Not in EVENT_METHODS on purpose: the gateway forwards hms as an unmodelled method (data as
 * sent) and the alerts service validates it here, so the gateway's uplink is unchanged.
 */
export interface HmsArgs {
  readonly component_index?: number;
  readonly sensor_index?: number;
  /** Demo only (fills %alarmid); unverified on real firmware. */
  readonly alarm_id?: number;
  readonly [key: string]: unknown;
}

export interface HmsEntry {
  /** 0 notification, 1 reminder, 2 warning; unknown values pass (open enum). */
  readonly level: number;
  /** 0 flight mission, 1 device management, 2 media, 3 hms. */
  readonly module: number;
  /** 0 on the ground, 1 in the air (a boolean is read as 0/1). */
  readonly in_the_sky: number;
  /** Hex text, e.g. "0x16100083". */
  readonly code: string;
  /** "{domain}-{type}-{sub_type}", e.g. "0-67-0" (aircraft) or "3-1-0" (dock). */
  readonly device_type: string;
  /** 1: a transient alarm that clears by itself. Absent: 0. */
  readonly imminent: number;
  readonly args: HmsArgs;
  readonly [key: string]: unknown;
}

export interface HmsData {
  readonly list: readonly HmsEntry[];
}

/** The docs size the list at 20; a little slack, but never an unbounded set. */
export const HMS_MAX_ENTRIES = 100;

export const validateHmsData: DataValidator<HmsData> = (data, flags) => {
  if (!isRecord(data)) return invalid('data', 'object', data);
  const list = data.list ?? [];
  if (!Array.isArray(list)) return invalid('data.list', 'array', list);
  if (list.length > HMS_MAX_ENTRIES) {
    return invalid('data.list', `array of at most ${HMS_MAX_ENTRIES}`, list);
  }
  const entries: HmsEntry[] = [];
  for (let i = 0; i < list.length; i++) {
    const path = childPath('data.list', i);
    const entry = readEntry(list[i], path, flags);
    if (!entry.ok) return entry;
    entries.push(entry.value);
  }
  return valid({ ...data, list: entries });
};

function readEntry(value: unknown, path: string, flags: FlagSink): Decoded<HmsEntry> {
  if (!isRecord(value)) return invalid(path, 'object', value);
  const level = readInt(value.level, `${path}.level`, flags);
  if (!level.ok) return level;
  const module = readInt(value.module, `${path}.module`, flags);
  if (!module.ok) return module;
  const inTheSky = readFlag(value.in_the_sky, `${path}.in_the_sky`, flags);
  if (!inTheSky.ok) return inTheSky;
  const imminent = readFlag(value.imminent ?? 0, `${path}.imminent`, flags);
  if (!imminent.ok) return imminent;
  const code = readString(value.code, `${path}.code`);
  if (!code.ok) return code;
  if (code.value.length === 0 || code.value.length > 64) {
    return invalid(`${path}.code`, 'text of 1..64 characters', code.value);
  }
  const deviceType = readString(value.device_type ?? '', `${path}.device_type`);
  if (!deviceType.ok) return deviceType;
  const rawArgs = value.args ?? {};
  if (!isRecord(rawArgs)) return invalid(`${path}.args`, 'object', rawArgs);
  const args: Record<string, unknown> = { ...rawArgs };
  for (const key of ['component_index', 'sensor_index', 'alarm_id'] as const) {
    if (rawArgs[key] === undefined || rawArgs[key] === null) continue;
    const read = readInt(rawArgs[key], `${path}.args.${key}`, flags);
    if (!read.ok) return read;
    args[key] = read.value;
  }
  return valid({
    ...value,
    level: level.value,
    module: module.value,
    in_the_sky: inTheSky.value,
    imminent: imminent.value,
    code: code.value,
    device_type: deviceType.value,
    args: args as HmsArgs,
  });
}

/** enum_int 0/1; the Demo reads it as a Boolean, so true/false are taken as 1/0. */
function readFlag(value: unknown, path: string, flags: FlagSink): Decoded<number> {
  if (typeof value === 'boolean') return valid(value ? 1 : 0);
  return readInt(value, path, flags, { min: 0, max: 1 });
}
