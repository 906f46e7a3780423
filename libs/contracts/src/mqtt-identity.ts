/**
 * Who may connect to the MQTT broker (issue 15). The gateway's own connections use client ids
 * that start with this prefix; the broker's authorization lets only the gateway service account
 * use them (a takeover of the gateway's persistent sessions is refused), and the service account
 * uses no other client id.
 */
export const GATEWAY_MQTT_CLIENT_ID_PREFIX = 'dock-fleet-gateway.';

/** The gateway service account's MQTT username unless MQTT_SERVICE_ACCOUNT_USERNAME says otherwise. */
export const DEFAULT_GATEWAY_MQTT_USERNAME = 'dock-fleet-gateway';
