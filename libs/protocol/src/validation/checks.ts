import { childPath, Decoded, Invalid, invalid, valid } from './decoded';

/**
 * Strict checks for what we send DOWN to docks. We build these messages ourselves, so a value
 * outside the documented range is our bug and must be caught before it reaches an aircraft.
 * A check returns the first failure or null; it never transforms the value.
 */
export type Check = (value: unknown, path: string) => Invalid | null;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function nonEmptyString(maxLength = 256): Check {
  const rule = `non-empty string of at most ${maxLength} characters`;
  return (value, path) =>
    typeof value === 'string' && value.length > 0 && value.length <= maxLength
      ? null
      : invalid(path, rule, value);
}

/** Any string, empty allowed (e.g. flight ids a real cloud sent as `""`). */
export const anyString: Check = (value, path) =>
  typeof value === 'string' ? null : invalid(path, 'string', value);

const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/** Docks download from these URLs; anything but http(s) is a bug on our side. */
export const httpUrl: Check = (value, path) =>
  typeof value === 'string' && value.length <= 4096 && HTTP_URL.test(value)
    ? null
    : invalid(path, 'http(s) URL', value);

export function integerIn(min: number, max: number): Check {
  const rule = `integer in ${min}..${max}`;
  return (value, path) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? null
      : invalid(path, rule, value);
}

export function numberIn(min: number, max: number): Check {
  const rule = `number in ${min}..${max}`;
  return (value, path) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? null
      : invalid(path, rule, value);
}

/** One of a closed set of integers (enum_int going down: no unknown values, no strings). */
export function oneOf(values: readonly number[]): Check {
  const rule = `one of ${values.join('|')}`;
  return (value, path) =>
    typeof value === 'number' && values.includes(value) ? null : invalid(path, rule, value);
}

const MIN_13_DIGITS = 1_000_000_000_000;
const MAX_13_DIGITS = 9_999_999_999_999;

/** The spec's `{"length": 13}` millisecond timestamps: rejects seconds passed by mistake. */
export const epochMillis13: Check = (value, path) =>
  typeof value === 'number' &&
  Number.isInteger(value) &&
  value >= MIN_13_DIGITS &&
  value <= MAX_13_DIGITS
    ? null
    : invalid(path, '13-digit millisecond timestamp', value);

export function arrayOf(
  item: Check,
  options: { minLength?: number; maxLength?: number } = {},
): Check {
  const minLength = options.minLength ?? 0;
  const maxLength = options.maxLength ?? Number.MAX_SAFE_INTEGER;
  const rule =
    options.maxLength !== undefined
      ? `array of ${minLength}..${maxLength}`
      : minLength > 0
        ? `array of at least ${minLength}`
        : 'array';
  return (value, path) => {
    if (!Array.isArray(value) || value.length < minLength || value.length > maxLength) {
      return invalid(path, rule, value);
    }
    for (let i = 0; i < value.length; i++) {
      const failure = item(value[i], childPath(path, i));
      if (failure) return failure;
    }
    return null;
  };
}

/** Absent (undefined) passes; anything present must satisfy `check`. */
export function optional(check: Check): Check {
  return (value, path) => (value === undefined ? null : check(value, path));
}

/** One check per key of T, so adding a field to a type without checking it fails to compile. */
export type FieldChecks<T> = { readonly [K in keyof T]-?: Check };

/**
 * An object whose listed fields pass their checks. Extra keys are allowed on purpose: newer
 * firmware takes fields this library does not know yet and we must be able to send them.
 */
export function objectWith<T>(fields: FieldChecks<T>): Check {
  const entries = Object.entries(fields) as [string, Check][];
  return (value, path) => {
    if (!isRecord(value)) return invalid(path, 'object', value);
    for (const [key, check] of entries) {
      const failure = check(value[key], childPath(path, key));
      if (failure) return failure;
    }
    return null;
  };
}

/**
 * Runs a check and, on success, states the checked type. The cast is the single place where a
 * runtime check vouches for a static type; FieldChecks<T> keeps the two in step.
 */
export function decodeWith<T>(check: Check, value: unknown, path: string): Decoded<T> {
  const failure = check(value, path);
  return failure ?? valid(value as T);
}
