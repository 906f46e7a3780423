import { GATEWAY_MQTT_CLIENT_ID_PREFIX } from '@dock/contracts';
import {
  BINDING_REQUEST_METHODS,
  FAMILY_DIRECTION,
  parseTopic,
  TopicFamily,
  validateGatewaySn,
} from '@dock/protocol';

/**
 * Who may do what on the MQTT broker (issue 15), as pure rules every broker mode shares: the
 * embedded aedes hooks, the EMQX HTTP authn/authz endpoints and the Mosquitto ACL generator.
 *
 *   - the gateway service account: connects only with gateway client ids, publishes the downlink
 *     families (services, *_reply to docks) of any dock, subscribes the uplink families
 *     (`$share/...` too); never retained.
 *   - an organization's device credential (docks, Pilot 2): connects with any client id but a
 *     gateway one or the SN of a device of another organization; when the client id is a known
 *     device's SN the connection is tied to that dock (and its sub-devices). It publishes the
 *     uplink families and subscribes the downlink families of devices bound to its organization;
 *     for an SN bound to nobody only onboarding (`config` and the binding requests on
 *     `requests`, topology on `status`, and their replies); never retained, never a wildcard.
 */

export type MqttPrincipal =
  | { readonly kind: 'gateway'; readonly username: string }
  | { readonly kind: 'organization'; readonly username: string; readonly organizationId: string };

/** What the registry knows of one device SN. */
export interface DeviceBinding {
  /** null: known (it spoke) but bound to no organization. */
  readonly organizationId: string | null;
  /** Its dock (its own SN for a dock). */
  readonly gatewaySn: string;
}

/** The registry's devices as the rules need them; undefined: an SN nobody knows yet. */
export type BindingLookup = (sn: string) => DeviceBinding | undefined;

/** Why a refusal happened: the Prometheus label (a short fixed set) and the log's words. */
export type RefusalKind =
  | 'bad_credentials'
  | 'gateway_client_id'
  | 'foreign_client_id'
  | 'not_a_dock_topic'
  | 'downlink_by_device'
  | 'uplink_by_gateway'
  | 'retained'
  | 'wildcard'
  | 'other_organization'
  | 'tied_to_other_dock'
  | 'not_bound'
  /** The broker could not decide (a database error): denied, failing closed. */
  | 'error';

export type AccessDecision =
  | { readonly allow: true }
  | { readonly allow: false; readonly kind: RefusalKind; readonly reason: string };

export type MqttAction = 'publish' | 'subscribe';

export interface AccessRequest {
  readonly principal: MqttPrincipal;
  readonly clientId: string;
  readonly action: MqttAction;
  /** A topic (publish) or a topic filter (subscribe). */
  readonly topic: string;
  readonly retain?: boolean;
  /**
   * The request's `method` when the broker sees the payload (embedded mode): an unbound SN may
   * send only onboarding methods on `requests`. Undefined (EMQX, Mosquitto): the topic decides.
   */
  readonly method?: string;
}

/** What a dock bound to nobody may send on `requests`: `config` and the binding requests. */
export const ONBOARDING_REQUEST_METHODS: ReadonlySet<string> = new Set([
  'config',
  ...BINDING_REQUEST_METHODS,
]);
/** What a dock bound to nobody may publish (requests, status) and subscribe (their replies). */
export const ONBOARDING_PUBLISH_FAMILIES: ReadonlySet<TopicFamily> = new Set([
  'requests',
  'status',
]);
export const ONBOARDING_SUBSCRIBE_FAMILIES: ReadonlySet<TopicFamily> = new Set([
  'requests_reply',
  'status_reply',
]);

const ALLOW: AccessDecision = { allow: true };

function deny(kind: RefusalKind, reason: string): AccessDecision {
  return { allow: false, kind, reason };
}

export function isGatewayClientId(clientId: string): boolean {
  return clientId.startsWith(GATEWAY_MQTT_CLIENT_ID_PREFIX);
}

/** CONNECT with valid credentials: may this principal use this client id? */
export function decideConnect(
  principal: MqttPrincipal,
  clientId: string,
  bindings: BindingLookup,
): AccessDecision {
  if (principal.kind === 'gateway') {
    return isGatewayClientId(clientId)
      ? ALLOW
      : deny(
          'gateway_client_id',
          `the gateway service account connects only with client ids starting ${GATEWAY_MQTT_CLIENT_ID_PREFIX}`,
        );
  }
  if (isGatewayClientId(clientId)) {
    return deny(
      'gateway_client_id',
      `client ids starting ${GATEWAY_MQTT_CLIENT_ID_PREFIX} belong to the gateway service account`,
    );
  }
  const device = bindings(clientId);
  if (device?.organizationId && device.organizationId !== principal.organizationId) {
    return deny('foreign_client_id', `client id ${clientId} is a device of another organization`);
  }
  return ALLOW;
}

/** PUBLISH or SUBSCRIBE by a connected (authenticated) client. */
export function decideAccess(request: AccessRequest, bindings: BindingLookup): AccessDecision {
  if (request.action === 'publish' && request.retain) {
    return deny('retained', 'retained messages are refused on every topic');
  }
  if (request.principal.kind === 'gateway') return gatewayAccess(request);
  return organizationAccess(request, request.principal.organizationId, bindings);
}

function gatewayAccess(request: AccessRequest): AccessDecision {
  if (request.action === 'publish') {
    const parsed = parseTopic(request.topic);
    if (!parsed.ok) return deny('not_a_dock_topic', `${request.topic} is not a Cloud API topic`);
    return parsed.value.direction === 'down'
      ? ALLOW
      : deny('uplink_by_gateway', 'the gateway service account publishes only downlink topics');
  }
  // Subscriptions: an uplink family of every dock (`+`) or one dock, possibly shared.
  const filter = unshared(request.topic);
  if (filter === undefined) return deny('not_a_dock_topic', `${request.topic} is malformed`);
  const levels = filter.split('/');
  if (levels.length === 4 && levels[1] === 'product' && levels[2] === '+') {
    levels[2] = 'SN';
  }
  const parsed = parseTopic(levels.join('/'));
  if (!parsed.ok) return deny('not_a_dock_topic', `${request.topic} is not a Cloud API filter`);
  return parsed.value.direction === 'up'
    ? ALLOW
    : deny('uplink_by_gateway', 'the gateway service account subscribes only uplink topics');
}

/** `$share/{group}/{filter}` -> filter; a plain filter as it is; undefined when malformed. */
function unshared(filter: string): string | undefined {
  if (!filter.startsWith('$share/')) return filter;
  const rest = filter.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  return rest.slice(slash + 1);
}

function organizationAccess(
  request: AccessRequest,
  organizationId: string,
  bindings: BindingLookup,
): AccessDecision {
  const { topic, action, clientId } = request;
  if (topic.includes('+') || topic.includes('#') || topic.startsWith('$')) {
    return deny('wildcard', 'device credentials subscribe exact topics of their own docks only');
  }
  const parsed = parseTopic(topic);
  if (!parsed.ok) return deny('not_a_dock_topic', `${topic} is not a Cloud API topic`);
  const { gatewaySn: sn, family } = parsed.value;
  const direction = FAMILY_DIRECTION[family];
  if (action === 'publish' && direction === 'down') {
    return deny(
      'downlink_by_device',
      `only the gateway service account publishes on ${family} (commands and replies to docks)`,
    );
  }
  if (action === 'subscribe' && direction === 'up') {
    return deny('other_organization', `devices do not subscribe ${family} (what docks send)`);
  }
  // A connection whose client id is a known device's SN speaks for that dock only.
  const self = bindings(clientId);
  const device = bindings(sn);
  if (self !== undefined && sn !== clientId && device?.gatewaySn !== clientId) {
    return deny(
      'tied_to_other_dock',
      `the connection of ${clientId} may use only its own topics and its sub-devices'`,
    );
  }
  if (device?.organizationId) {
    return device.organizationId === organizationId
      ? ALLOW
      : deny('other_organization', `${sn} is bound to another organization`);
  }
  // Bound to nobody: onboarding only.
  if (action === 'publish') {
    if (!ONBOARDING_PUBLISH_FAMILIES.has(family)) {
      return deny('not_bound', `${sn} is bound to no organization: only onboarding until it binds`);
    }
    if (family === 'requests' && request.method !== undefined) {
      if (!ONBOARDING_REQUEST_METHODS.has(request.method)) {
        return deny(
          'not_bound',
          `${sn} is bound to no organization: ${request.method} waits until it binds`,
        );
      }
    }
    return ALLOW;
  }
  // Its own downlink (client id = SN, as real docks connect) is harmless: only the gateway
  // publishes there. Anyone else's: the onboarding replies only.
  if (sn === clientId && validateGatewaySn(clientId).ok) return ALLOW;
  return ONBOARDING_SUBSCRIBE_FAMILIES.has(family)
    ? ALLOW
    : deny('not_bound', `${sn} is bound to no organization: only its onboarding replies`);
}
