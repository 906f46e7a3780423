/**
 * Validation results are values, never exceptions: the gateway validates ~20k messages/s and a
 * hostile payload must cost one failed branch, not a thrown stack trace.
 */

/** Why a value was refused, in terms an operator can act on. */
export interface ValidationFailure {
  /** Where, from the message root: `data.output.progress.percent`, `tid`, `topic`, `payload`. */
  readonly path: string;
  /** What was expected, e.g. `integer in 0..100`. Stable: tests and metrics key on it. */
  readonly rule: string;
  /** What was found, shortened so a 256 KiB payload never ends up in a log line. */
  readonly received: unknown;
  /** `path: expected rule, received x` for humans. */
  readonly message: string;
}

export interface Valid<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Invalid {
  readonly ok: false;
  readonly error: ValidationFailure;
}

export type Decoded<T> = Valid<T> | Invalid;

export function valid<T>(value: T): Valid<T> {
  return { ok: true, value };
}

export function invalid(path: string, rule: string, received: unknown): Invalid {
  const shown = previewReceived(received);
  return {
    ok: false,
    error: {
      path,
      rule,
      received: shown,
      message: `${path || 'value'}: expected ${rule}, received ${describePreview(received, shown)}`,
    },
  };
}

/** Appends `key` to a dotted path (`data` + `output` -> `data.output`). */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

const MAX_STRING_PREVIEW = 120;
const MAX_KEYS_PREVIEW = 8;
const MAX_KEY_PREVIEW = 32;

/**
 * A bounded, JSON-safe stand-in for a received value. Strings are cut, containers are summarised
 * (never serialised: that would cost O(payload) on every failure and could echo secrets).
 */
export function previewReceived(value: unknown): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
    case 'number':
      return value;
    case 'string':
      return value.length > MAX_STRING_PREVIEW
        ? `${value.slice(0, MAX_STRING_PREVIEW)}… (${value.length} chars)`
        : value;
    case 'bigint':
      return `${value.toString()}n`;
    case 'object':
      return previewObject(value);
    default:
      return `[${typeof value}]`;
  }
}

function previewObject(value: object | null): unknown {
  if (value === null) return null;
  try {
    if (ArrayBuffer.isView(value)) return `[binary, ${value.byteLength} bytes]`;
    if (Array.isArray(value)) return `[array of ${value.length}]`;
    const keys: string[] = [];
    let total = 0;
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      total += 1;
      if (keys.length < MAX_KEYS_PREVIEW) keys.push(key.slice(0, MAX_KEY_PREVIEW));
    }
    const more = total > keys.length ? `, … ${total - keys.length} more` : '';
    return `{object with keys: ${keys.join(', ')}${more}}`;
  } catch {
    // A Proxy or exotic object handed to a builder by buggy caller code: still never throw.
    return '[unreadable object]';
  }
}

function describePreview(original: unknown, shown: unknown): string {
  if (original === undefined) return 'nothing (missing)';
  if (typeof shown === 'string' && typeof original === 'string') return JSON.stringify(shown);
  return String(shown);
}
