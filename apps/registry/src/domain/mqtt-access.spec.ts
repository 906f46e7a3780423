import { GATEWAY_MQTT_CLIENT_ID_PREFIX } from '@dock/contracts';
import {
  AccessRequest,
  BindingLookup,
  decideAccess,
  decideConnect,
  DeviceBinding,
  MqttPrincipal,
} from './mqtt-access';

const ORG_A = '00000000-0000-4000-8000-00000000000a';
const ORG_B = '00000000-0000-4000-8000-00000000000b';
const devices = new Map<string, DeviceBinding>([
  ['DOCK-A', { organizationId: ORG_A, gatewaySn: 'DOCK-A' }],
  ['AIR-A', { organizationId: ORG_A, gatewaySn: 'DOCK-A' }],
  ['DOCK-A2', { organizationId: ORG_A, gatewaySn: 'DOCK-A2' }],
  ['DOCK-B', { organizationId: ORG_B, gatewaySn: 'DOCK-B' }],
  ['DOCK-KNOWN-UNBOUND', { organizationId: null, gatewaySn: 'DOCK-KNOWN-UNBOUND' }],
]);
const bindings: BindingLookup = (sn) => devices.get(sn);
const gateway: MqttPrincipal = { kind: 'gateway', username: 'dock-fleet-gateway' };
const orgA: MqttPrincipal = { kind: 'organization', username: 'org-a', organizationId: ORG_A };
const gatewayClient = `${GATEWAY_MQTT_CLIENT_ID_PREFIX}host-0.abc`;

function check(request: Partial<AccessRequest> & Pick<AccessRequest, 'topic' | 'action'>) {
  return decideAccess({ principal: orgA, clientId: 'pilot-rc-1', ...request }, bindings);
}

describe('MQTT connect rules', () => {
  it('binds the gateway client ids to the service account, both ways', () => {
    expect(decideConnect(gateway, gatewayClient, bindings)).toEqual({ allow: true });
    expect(decideConnect(gateway, 'DOCK-A', bindings)).toMatchObject({
      allow: false,
      kind: 'gateway_client_id',
    });
    expect(decideConnect(orgA, gatewayClient, bindings)).toMatchObject({
      allow: false,
      kind: 'gateway_client_id',
    });
  });

  it("refuses a client id that is another organization's device (a session takeover)", () => {
    expect(decideConnect(orgA, 'DOCK-B', bindings)).toMatchObject({
      allow: false,
      kind: 'foreign_client_id',
    });
    expect(decideConnect(orgA, 'DOCK-A', bindings)).toEqual({ allow: true });
    expect(decideConnect(orgA, 'NEW-DOCK', bindings)).toEqual({ allow: true });
    expect(decideConnect(orgA, 'DOCK-KNOWN-UNBOUND', bindings)).toEqual({ allow: true });
  });
});

describe('MQTT publish and subscribe rules', () => {
  it('refuses retained messages from everyone', () => {
    for (const principal of [gateway, orgA]) {
      expect(
        decideAccess(
          {
            principal,
            clientId: 'DOCK-A',
            action: 'publish',
            topic: 'thing/product/DOCK-A/services',
            retain: true,
          },
          bindings,
        ),
      ).toMatchObject({ allow: false, kind: 'retained' });
    }
  });

  it('lets only the gateway publish downlink (services and the replies to docks)', () => {
    for (const family of ['services', 'events_reply', 'requests_reply', 'state_reply']) {
      const topic = `thing/product/DOCK-A/${family}`;
      expect(check({ action: 'publish', topic, clientId: 'DOCK-A' })).toMatchObject({
        allow: false,
        kind: 'downlink_by_device',
      });
      expect(
        decideAccess(
          { principal: gateway, clientId: gatewayClient, action: 'publish', topic },
          bindings,
        ),
      ).toEqual({ allow: true });
    }
    expect(
      check({ action: 'publish', topic: 'sys/product/DOCK-A/status_reply', clientId: 'DOCK-A' }),
    ).toMatchObject({ allow: false, kind: 'downlink_by_device' });
  });

  it('keeps the gateway to downlink publishes and uplink subscriptions, shared or not', () => {
    const gw = (action: 'publish' | 'subscribe', topic: string) =>
      decideAccess({ principal: gateway, clientId: gatewayClient, action, topic }, bindings);
    expect(gw('publish', 'thing/product/DOCK-A/events')).toMatchObject({
      kind: 'uplink_by_gateway',
    });
    expect(gw('subscribe', 'thing/product/+/events')).toEqual({ allow: true });
    expect(gw('subscribe', '$share/gateway/thing/product/+/osd')).toEqual({ allow: true });
    expect(gw('subscribe', 'sys/product/+/status')).toEqual({ allow: true });
    expect(gw('subscribe', 'thing/product/+/services')).toMatchObject({ allow: false });
    expect(gw('subscribe', '#')).toMatchObject({ allow: false, kind: 'not_a_dock_topic' });
    expect(gw('publish', 'other/topic')).toMatchObject({ allow: false, kind: 'not_a_dock_topic' });
  });

  it("lets a device publish uplink only for its organization's devices", () => {
    expect(check({ action: 'publish', topic: 'thing/product/DOCK-A/events' })).toEqual({
      allow: true,
    });
    expect(check({ action: 'publish', topic: 'thing/product/AIR-A/osd' })).toEqual({
      allow: true,
    });
    expect(check({ action: 'publish', topic: 'thing/product/DOCK-B/events' })).toMatchObject({
      allow: false,
      kind: 'other_organization',
    });
  });

  it("refuses subscribing to another organization's dock or to what docks send", () => {
    expect(check({ action: 'subscribe', topic: 'thing/product/DOCK-B/services' })).toMatchObject({
      allow: false,
      kind: 'other_organization',
    });
    expect(check({ action: 'subscribe', topic: 'thing/product/DOCK-A/services' })).toEqual({
      allow: true,
    });
    expect(check({ action: 'subscribe', topic: 'thing/product/DOCK-A/osd' })).toMatchObject({
      allow: false,
    });
  });

  it('refuses wildcards and anything that is not a Cloud API topic to devices', () => {
    for (const topic of ['thing/product/+/services', '#', 'thing/product/DOCK-A/#', '$SYS/x']) {
      expect(check({ action: 'subscribe', topic })).toMatchObject({
        allow: false,
        kind: 'wildcard',
      });
    }
    expect(check({ action: 'publish', topic: 'hello/world' })).toMatchObject({
      allow: false,
      kind: 'not_a_dock_topic',
    });
  });

  it('ties a connection whose client id is a known SN to that dock and its sub-devices', () => {
    expect(
      check({ clientId: 'DOCK-A', action: 'publish', topic: 'thing/product/AIR-A/osd' }),
    ).toEqual({ allow: true });
    expect(
      check({ clientId: 'DOCK-A', action: 'publish', topic: 'thing/product/DOCK-A2/events' }),
    ).toMatchObject({ allow: false, kind: 'tied_to_other_dock' });
    expect(
      check({ clientId: 'DOCK-A', action: 'subscribe', topic: 'thing/product/DOCK-A2/services' }),
    ).toMatchObject({ allow: false, kind: 'tied_to_other_dock' });
  });

  it('gives an SN bound to nobody onboarding only', () => {
    const unbound = (request: Partial<AccessRequest> & Pick<AccessRequest, 'topic' | 'action'>) =>
      check({ clientId: 'NEW-DOCK', ...request });
    expect(unbound({ action: 'publish', topic: 'thing/product/NEW-DOCK/requests' })).toEqual({
      allow: true,
    });
    for (const method of [
      'config',
      'airport_bind_status',
      'airport_organization_get',
      'airport_organization_bind',
    ]) {
      expect(
        unbound({ action: 'publish', topic: 'thing/product/NEW-DOCK/requests', method }),
      ).toEqual({ allow: true });
    }
    expect(
      unbound({
        action: 'publish',
        topic: 'thing/product/NEW-DOCK/requests',
        method: 'flighttask_resource_get',
      }),
    ).toMatchObject({ allow: false, kind: 'not_bound' });
    expect(unbound({ action: 'publish', topic: 'sys/product/NEW-DOCK/status' })).toEqual({
      allow: true,
    });
    expect(unbound({ action: 'publish', topic: 'thing/product/NEW-DOCK/osd' })).toMatchObject({
      allow: false,
      kind: 'not_bound',
    });
    // Its own downlink (client id = SN) yes; someone else's unbound dock: the replies only.
    expect(unbound({ action: 'subscribe', topic: 'thing/product/NEW-DOCK/services' })).toEqual({
      allow: true,
    });
    expect(
      check({ clientId: 'rc', action: 'subscribe', topic: 'thing/product/NEW-DOCK/services' }),
    ).toMatchObject({ allow: false, kind: 'not_bound' });
    expect(
      check({
        clientId: 'rc',
        action: 'subscribe',
        topic: 'thing/product/NEW-DOCK/requests_reply',
      }),
    ).toEqual({ allow: true });
    expect(
      check({
        clientId: 'DOCK-KNOWN-UNBOUND',
        action: 'publish',
        topic: 'sys/product/DOCK-KNOWN-UNBOUND/status',
      }),
    ).toEqual({ allow: true });
  });
});
