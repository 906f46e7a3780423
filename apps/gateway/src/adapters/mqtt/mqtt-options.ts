import { createHmac } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import { GATEWAY_MQTT_CLIENT_ID_PREFIX } from '@dock/contracts';
import { MqttTls, mqttTlsHint } from '@dock/platform';
import type { GatewayLog } from '../../domain/shared/ports';

export interface MqttConnectionSettings {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
  readonly protocolVersion: 4 | 5;
  readonly keepaliveSeconds: number;
  readonly sessionExpirySeconds: number;
  /** For mqtts:// and wss:// URLs: CA, client certificate (PEM text, read at start). */
  readonly tls?: MqttTls;
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

/** Username and password, and the TLS options: every gateway connection takes both. */
export function credentials(settings: MqttConnectionSettings): IClientOptions {
  return {
    ...(settings.username === undefined ? {} : { username: settings.username }),
    ...(settings.password === undefined ? {} : { password: settings.password }),
    ...(settings.tls === undefined ? {} : { ...settings.tls }),
  };
}

/**
 * A connection error. A TLS one (certificate not trusted, handshake refused) does not heal by
 * retrying: it is logged as an error with what to check, the others as warnings.
 */
export function logMqttError(
  log: GatewayLog,
  error: unknown,
  context: Record<string, unknown>,
  message: string,
): void {
  const hint = mqttTlsHint(error);
  if (hint) log.error({ ...context, err: error }, `${message}: ${hint}`);
  else log.warn({ ...context, err: error }, message);
}

/**
 * The client id of one gateway connection (`name`: the subscriber's index, or `out`):
 * `dock-fleet-gateway.<instance>-<name>`, which the broker lets only the service account use,
 * and with a password a suffix derived from it (HMAC-SHA256), so nobody without the password
 * can even name the session (Mosquitto cannot bind client ids to a user). Stable across
 * restarts while the password stays: the persistent sessions survive a restart.
 */
export function gatewayClientId(
  settings: Pick<MqttConnectionSettings, 'password'>,
  instanceId: string,
  name: string,
): string {
  const base = `${GATEWAY_MQTT_CLIENT_ID_PREFIX}${instanceId}-${name}`;
  if (settings.password === undefined) return base;
  const suffix = createHmac('sha256', settings.password).update(base).digest('hex').slice(0, 16);
  return `${base}.${suffix}`;
}
