import { UNICODE_RULE, UTF8_RULE, ValidationFailure } from '@dock/protocol';

/** Closed set of dead-letter reasons: a metric label, so it must not grow with the input. */
export type RejectionReason =
  | 'oversized'
  | 'not_json'
  | 'bad_topic'
  | 'bad_sn'
  | 'unsafe_json'
  | 'invalid_unicode'
  | 'invalid_envelope'
  | 'invalid_data'
  | 'internal';

const ENVELOPE_PATHS: ReadonlySet<string> = new Set([
  'tid',
  'bid',
  'timestamp',
  'timestamp:',
  'method',
  'need_reply',
  'gateway',
]);

/** Classifies a refusal of libs/protocol by where and why it failed. */
export function rejectionReason(failure: ValidationFailure): RejectionReason {
  const { path, rule } = failure;
  if (path === 'topic.gateway_sn') return 'bad_sn';
  if (path === 'topic') return 'bad_topic';
  if (rule === UTF8_RULE || rule === UNICODE_RULE) return 'invalid_unicode';
  if (path === 'payload') {
    if (rule.startsWith('payload of at most')) return 'oversized';
    if (rule === 'valid JSON' || rule === 'JSON object' || rule === 'Buffer or string') {
      return 'not_json';
    }
    return 'internal';
  }
  if (
    rule.startsWith('no prototype-polluting keys') ||
    rule.startsWith('nesting depth') ||
    rule === 'finite number'
  ) {
    return 'unsafe_json';
  }
  if (ENVELOPE_PATHS.has(path)) return 'invalid_envelope';
  return 'invalid_data';
}
