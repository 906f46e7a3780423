import type { IClientOptions } from 'mqtt';

export interface MqttConnectionSettings {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly protocolVersion: 4 | 5;
  readonly keepaliveSeconds: number;
  readonly sessionExpirySeconds: number;
}

/**
 * Options of a persistent-session connection: clean false (and, in MQTT 5, a session expiry),
 * so QoS 1 messages for this client id wait at the broker while it is away.
 */
export function persistentSessionOptions(
  settings: MqttConnectionSettings,
  clientId: string,
): IClientOptions {
  return {
    clientId,
    protocolVersion: settings.protocolVersion,
    clean: false,
    keepalive: settings.keepaliveSeconds,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    // We subscribe on every connect ourselves (the broker may have dropped an expired session).
    resubscribe: false,
    ...(settings.protocolVersion === 5
      ? { properties: { sessionExpiryInterval: settings.sessionExpirySeconds } }
      : {}),
    ...credentials(settings),
  };
}

export function credentials(settings: MqttConnectionSettings): IClientOptions {
  return {
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
  };
}
