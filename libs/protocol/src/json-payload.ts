import { isUtf8 } from 'node:buffer';
import { Decoded, invalid, valid } from './validation/decoded';
import { isRecord } from './validation/checks';

/** Raw MQTT payload as the client library hands it over. */
export type RawPayload = Buffer | string;

export interface PayloadLimits {
  /** Refused before decoding or JSON.parse, so a huge message costs a length check. */
  readonly maxPayloadBytes?: number;
  /**
   * Containers nested deeper than this (the root object counts as 1) are refused, so later
   * recursive code, ours or a consumer's, stays safe.
   */
  readonly maxDepth?: number;
}

/** The largest real message seen (an `hms` or osd push) is a few KiB; 256 KiB leaves room. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
/** Real payloads nest about 7 deep (`state.live_capacity`). */
export const DEFAULT_MAX_DEPTH = 32;

/**
 * Keys that turn a later `Object.assign` / deep merge by any consumer into prototype pollution.
 * No DJI message uses them, so the message is refused rather than silently altered.
 */
const POLLUTING_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The rules of the Unicode checks, as they appear in a refusal (and its dead letter). */
export const UTF8_RULE = 'valid UTF-8';
export const UNICODE_RULE = 'valid Unicode text (no lone UTF-16 surrogates)';

/**
 * A high surrogate not followed by a low one, or a low one not preceded by a high one: what
 * a `"\ud800"` JSON escape decodes to. No real dock sends one; downstream such a string fails
 * (PostgreSQL's jsonb refuses it), so it is refused here, first.
 */
const LONE_SURROGATE_TEST =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE_TEST.source, 'g');

/** The text with each lone surrogate as U+FFFD, so a refusal can quote it safely. */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\ufffd');
}

/**
 * Buffer/string -> a JSON object, safely: size first, then valid UTF-8, then parse, then a
 * bounded scan (depth, finite numbers, polluting keys, strings and keys of valid Unicode).
 */
export function decodeJsonObject(
  payload: unknown,
  limits: PayloadLimits = {},
): Decoded<Record<string, unknown>> {
  const maxBytes = limits.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const text = payloadText(payload, maxBytes);
  if (!text.ok) return text;

  let parsed: unknown;
  try {
    parsed = JSON.parse(text.value);
  } catch {
    return invalid('payload', 'valid JSON', text.value);
  }
  if (!isRecord(parsed)) return invalid('payload', 'JSON object', parsed);

  // Valid UTF-8 cannot encode a surrogate (isUtf8 refused those bytes), so from a Buffer a lone
  // one can only come from a `\uD800`-style escape: without any `\u` in the text the Unicode
  // checks of the scan cannot fail and are skipped (most messages, and the cost of a regular
  // expression per key and string).
  const unicode = typeof payload === 'string' || text.value.includes('\\u');
  const issue = scan(parsed, 0, limits.maxDepth ?? DEFAULT_MAX_DEPTH, unicode);
  if (issue) return invalid(issue.segments.reverse().join(''), issue.rule, issue.received);
  return valid(parsed);
}

function payloadText(payload: unknown, maxBytes: number): Decoded<string> {
  const sizeRule = `payload of at most ${maxBytes} bytes`;
  let text: string;
  if (typeof payload === 'string') {
    // length <= bytes <= 3 * length for UTF-16 -> UTF-8; only count exactly when in doubt.
    if (payload.length > maxBytes) return invalid('payload', sizeRule, payload.length);
    if (payload.length * 3 > maxBytes && Buffer.byteLength(payload, 'utf8') > maxBytes) {
      return invalid('payload', sizeRule, Buffer.byteLength(payload, 'utf8'));
    }
    text = payload;
  } else if (Buffer.isBuffer(payload)) {
    if (payload.length > maxBytes) return invalid('payload', sizeRule, payload.length);
    // toString would quietly turn bad bytes into U+FFFD: refuse them instead.
    if (!isUtf8(payload)) return invalid('payload', UTF8_RULE, `${payload.length} bytes`);
    text = payload.toString('utf8');
  } else {
    return invalid('payload', 'Buffer or string', payload);
  }
  // A UTF-8 BOM is legal in a file but JSON.parse refuses it; some embedded clients send one.
  return valid(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

interface ScanIssue {
  /** Path pieces collected innermost first while the recursion unwinds. */
  readonly segments: string[];
  readonly rule: string;
  readonly received: unknown;
}

/**
 * One pass over the parsed value. Recursion is bounded by maxDepth, so it cannot overflow;
 * path strings are only built for the failing branch, keeping the happy path allocation-free.
 * Non-finite numbers can only come from overflowing literals such as `1e400` (-> Infinity).
 */
function scan(value: unknown, depth: number, maxDepth: number, unicode: boolean): ScanIssue | null {
  if (typeof value === 'string') {
    return unicode && LONE_SURROGATE_TEST.test(value)
      ? { segments: [], rule: UNICODE_RULE, received: wellFormed(value) }
      : null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : { segments: [], rule: 'finite number', received: value };
  }
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= maxDepth) {
    return { segments: [], rule: `nesting depth at most ${maxDepth}`, received: value };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const issue = scan(value[i], depth + 1, maxDepth, unicode);
      if (issue) {
        issue.segments.push(`[${i}]`);
        return issue;
      }
    }
    return null;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const separator = depth === 0 ? '' : '.';
    if (POLLUTING_KEYS.has(key)) {
      return {
        segments: [`${separator}${key}`],
        rule: 'no prototype-polluting keys (__proto__, constructor, prototype)',
        received: key,
      };
    }
    if (unicode && LONE_SURROGATE_TEST.test(key)) {
      const quoted = wellFormed(key);
      return { segments: [`${separator}${quoted}`], rule: UNICODE_RULE, received: quoted };
    }
    const issue = scan(record[key], depth + 1, maxDepth, unicode);
    if (issue) {
      issue.segments.push(`${separator}${key}`);
      return issue;
    }
  }
  return null;
}
