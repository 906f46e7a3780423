import { addFlag, FlagSink } from '../flags';
import { Decoded, Invalid, invalid, valid } from './decoded';

/**
 * Readers for what docks send UP. Real firmware deviates from its own tables (spec README,
 * "Traps"), so these accept the deviations we have seen and normalise them, while still
 * refusing values that cannot mean anything (an object where a number belongs, NaN, 150 %).
 */

/** Up to 15 digits: every such integer is exact in a double. */
const NUMERIC_STRING = /^-?\d{1,15}$/;

export interface IntRange {
  readonly min?: number;
  readonly max?: number;
}

/**
 * An int or enum_int. Trap 2: docks send enum_int as a numeric string (`"reason": "0"`);
 * it becomes a number and the message is flagged. Unknown enum values pass (trap 6): ranges
 * are only given for fields whose range is physical (a percentage), not for enums.
 */
export function readInt(
  value: unknown,
  path: string,
  flags: FlagSink,
  range: IntRange = {},
): Decoded<number> {
  let number: number;
  if (typeof value === 'number') {
    number = value;
  } else if (typeof value === 'string' && NUMERIC_STRING.test(value)) {
    number = Number(value);
    addFlag(flags, 'int_from_string');
  } else {
    return invalid(path, intRule(range), value);
  }
  if (!Number.isInteger(number)) return invalid(path, intRule(range), value);
  if (range.min !== undefined && number < range.min) return invalid(path, intRule(range), value);
  if (range.max !== undefined && number > range.max) return invalid(path, intRule(range), value);
  return valid(number);
}

function intRule(range: IntRange): string {
  if (range.min !== undefined && range.max !== undefined) {
    return `integer in ${range.min}..${range.max}`;
  }
  if (range.min !== undefined) return `integer >= ${range.min}`;
  return 'integer';
}

/** A finite number, optionally within [min, max] (coordinates, heights, progress fractions). */
export function readNumber(
  value: unknown,
  path: string,
  range: { readonly min?: number; readonly max?: number } = {},
): Decoded<number> {
  const rule =
    range.min !== undefined && range.max !== undefined
      ? `number in ${range.min}..${range.max}`
      : 'finite number';
  if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(path, rule, value);
  if (range.min !== undefined && value < range.min) return invalid(path, rule, value);
  if (range.max !== undefined && value > range.max) return invalid(path, rule, value);
  return valid(value);
}

export function readString(value: unknown, path: string): Decoded<string> {
  return typeof value === 'string' ? valid(value) : invalid(path, 'string', value);
}

export function readNonEmptyString(value: unknown, path: string): Decoded<string> {
  return typeof value === 'string' && value.length > 0
    ? valid(value)
    : invalid(path, 'non-empty string', value);
}

/** An array of strings (flight ids). Empty strings pass: the recording has `[""]`. */
export function readStringArray(value: unknown, path: string): Decoded<string[]> {
  if (!Array.isArray(value)) return invalid(path, 'array of strings', value);
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') return invalid(`${path}[${i}]`, 'string', value[i]);
  }
  return valid(value as string[]);
}

/**
 * Checks optional int fields of `record` and returns it with numeric strings coerced. The
 * record is copied only when a coercion happened, so the usual message allocates nothing.
 */
export function readOptionalInts(
  record: Record<string, unknown>,
  path: string,
  keys: readonly string[],
  flags: FlagSink,
): Decoded<Record<string, unknown>> {
  let out = record;
  for (const key of keys) {
    const value = record[key];
    if (value === undefined || typeof value === 'number') {
      if (value !== undefined && !Number.isInteger(value)) {
        return invalid(`${path}.${key}`, 'integer', value);
      }
      continue;
    }
    const int = readInt(value, `${path}.${key}`, flags);
    if (!int.ok) return int;
    if (out === record) out = { ...record };
    out[key] = int.value;
  }
  return valid(out);
}

/** Optional finite numbers, each within its range when one is given. */
export function checkOptionalNumbers(
  record: Record<string, unknown>,
  path: string,
  ranges: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>,
): Invalid | null {
  for (const key in ranges) {
    const value = record[key];
    if (value === undefined) continue;
    const number = readNumber(value, `${path}.${key}`, ranges[key]);
    if (!number.ok) return number;
  }
  return null;
}

/** Optional string fields (ids that may legitimately be `""`). */
export function checkOptionalStrings(
  record: Record<string, unknown>,
  path: string,
  keys: readonly string[],
): Invalid | null {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && typeof value !== 'string') {
      return invalid(`${path}.${key}`, 'string', value);
    }
  }
  return null;
}
