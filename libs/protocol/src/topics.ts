import { Decoded, invalid, valid } from './validation/decoded';

/**
 * MQTT topics of the DJI Cloud API for one gateway (dock) `{gw}`:
 *   thing/product/{gw}/{services|services_reply|events|events_reply|requests|requests_reply|
 *                       osd|state|state_reply}
 *   sys/product/{gw}/{status|status_reply}
 */

export const THING_FAMILIES = [
  'services',
  'services_reply',
  'events',
  'events_reply',
  'requests',
  'requests_reply',
  'osd',
  'state',
  'state_reply',
] as const;
export const SYS_FAMILIES = ['status', 'status_reply'] as const;

export type ThingFamily = (typeof THING_FAMILIES)[number];
export type SysFamily = (typeof SYS_FAMILIES)[number];
export type TopicFamily = ThingFamily | SysFamily;

/** up = dock to cloud, down = cloud to dock. */
export type Direction = 'up' | 'down';

export const FAMILY_DIRECTION: Readonly<Record<TopicFamily, Direction>> = {
  services: 'down',
  services_reply: 'up',
  events: 'up',
  events_reply: 'down',
  requests: 'up',
  requests_reply: 'down',
  osd: 'up',
  state: 'up',
  state_reply: 'down',
  status: 'up',
  status_reply: 'down',
};

export interface ParsedTopic {
  readonly gatewaySn: string;
  readonly family: TopicFamily;
  readonly direction: Direction;
}

export const MAX_GATEWAY_SN_LENGTH = 64;
const GATEWAY_SN = /^[A-Za-z0-9_.:-]+$/;
/** `.`, `..`, `-` or `:` alone are path segments or separators, never a device's serial number. */
const HAS_LETTER_OR_DIGIT = /[A-Za-z0-9]/;
/** NUL, C0 controls, space, DEL and the C1 range / Unicode spaces a terminal would hide. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u00a0\u2000-\u200f\u2028\u2029\ufeff]/;

/**
 * A gateway SN becomes a topic level and a database key, so it is held to a conservative
 * charset. The specific rules exist only to make the failure readable; the charset alone would
 * refuse all of them.
 */
export function validateGatewaySn(sn: unknown, path = 'gatewaySn'): Decoded<string> {
  if (typeof sn !== 'string') return invalid(path, 'string', sn);
  if (
    sn.length > 0 &&
    sn.length <= MAX_GATEWAY_SN_LENGTH &&
    GATEWAY_SN.test(sn) &&
    HAS_LETTER_OR_DIGIT.test(sn)
  ) {
    return valid(sn);
  }
  if (sn.length === 0) return invalid(path, 'non-empty gateway SN', sn);
  if (sn.length > MAX_GATEWAY_SN_LENGTH) {
    return invalid(path, `gateway SN of at most ${MAX_GATEWAY_SN_LENGTH} characters`, sn);
  }
  if (sn.includes('+') || sn.includes('#')) return invalid(path, 'no MQTT wildcards (+, #)', sn);
  if (sn.includes('/')) return invalid(path, 'no topic separator (/)', sn);
  if (CONTROL_OR_SPACE.test(sn)) return invalid(path, 'no whitespace or control characters', sn);
  if (sn.startsWith('$')) return invalid(path, 'no leading $ (reserved by brokers)', sn);
  if (GATEWAY_SN.test(sn)) return invalid(path, 'gateway SN with a letter or digit', sn);
  return invalid(path, 'characters in [A-Za-z0-9_.:-]', sn);
}

function rootFor(family: TopicFamily): 'thing' | 'sys' {
  return family === 'status' || family === 'status_reply' ? 'sys' : 'thing';
}

/** Builds `thing/product/{gw}/{family}` or `sys/product/{gw}/{family}`; the SN is validated. */
export function buildTopic(gatewaySn: string, family: TopicFamily): Decoded<string> {
  const sn = validateGatewaySn(gatewaySn);
  if (!sn.ok) return sn;
  return valid(`${rootFor(family)}/product/${sn.value}/${family}`);
}

const MAX_TOPIC_LENGTH = 256;
const TOPIC_SHAPE = 'thing/product/{gw}/<family> or sys/product/{gw}/status[_reply]';
const THING_FAMILY_SET: ReadonlySet<string> = new Set(THING_FAMILIES);
const SYS_FAMILY_SET: ReadonlySet<string> = new Set(SYS_FAMILIES);

export function parseTopic(topic: unknown): Decoded<ParsedTopic> {
  if (typeof topic !== 'string') return invalid('topic', 'string', topic);
  if (topic.length > MAX_TOPIC_LENGTH) {
    return invalid('topic', `topic of at most ${MAX_TOPIC_LENGTH} characters`, topic);
  }
  const levels = topic.split('/');
  if (levels.length !== 4 || levels[1] !== 'product') return invalid('topic', TOPIC_SHAPE, topic);
  const [root, , sn, family] = levels as [string, string, string, string];
  const familyKnown =
    (root === 'thing' && THING_FAMILY_SET.has(family)) ||
    (root === 'sys' && SYS_FAMILY_SET.has(family));
  if (!familyKnown) return invalid('topic', TOPIC_SHAPE, topic);
  const gatewaySn = validateGatewaySn(sn, 'topic.gateway_sn');
  if (!gatewaySn.ok) return gatewaySn;
  const knownFamily = family as TopicFamily;
  return valid({
    gatewaySn: gatewaySn.value,
    family: knownFamily,
    direction: FAMILY_DIRECTION[knownFamily],
  });
}

/** `thing/product/+/events`: one family for every gateway. */
export function subscriptionFilter(family: TopicFamily): string {
  return `${rootFor(family)}/product/+/${family}`;
}

/** Every family a cloud gateway must receive (all uplink topics). */
export const UPLINK_SUBSCRIPTION_FILTERS: readonly string[] = Object.freeze(
  (Object.keys(FAMILY_DIRECTION) as TopicFamily[])
    .filter((family) => FAMILY_DIRECTION[family] === 'up')
    .map(subscriptionFilter),
);

const SHARE_GROUP = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * `$share/{group}/{filter}` (MQTT 5 shared subscription) so several gateway replicas split the
 * load. The group must not contain `/`, `+` or `#`, which would change the filter's meaning.
 */
export function sharedSubscription(group: string, filter: string): Decoded<string> {
  if (typeof group !== 'string' || !SHARE_GROUP.test(group)) {
    return invalid('group', 'share group of 1..64 characters in [A-Za-z0-9_.-]', group);
  }
  if (typeof filter !== 'string' || filter.length === 0 || filter.startsWith('$share/')) {
    return invalid('filter', 'non-empty topic filter, not already shared', filter);
  }
  return valid(`$share/${group}/${filter}`);
}
