import mqtt, { MqttClient } from 'mqtt';
import type { DockPublisher, GatewayLog } from '../../domain/shared/ports';
import { credentials, logMqttError, MqttConnectionSettings } from './mqtt-options';

/**
 * The connection the gateway publishes on (commands and replies). It never subscribes: a
 * subscriber connection blocked on a held acknowledgement would also hold up the PUBACKs of
 * its own publishes, so publishing from the handler of a message could deadlock the pool.
 */
export class MqttDockPublisher implements DockPublisher {
  private client: MqttClient | undefined;

  constructor(
    private readonly settings: MqttConnectionSettings & { readonly clientId: string },
    private readonly log: GatewayLog,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async connect(): Promise<void> {
    const client = mqtt.connect(this.settings.url, {
      clientId: this.settings.clientId,
      protocolVersion: this.settings.protocolVersion,
      clean: true,
      keepalive: this.settings.keepaliveSeconds,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      ...credentials(this.settings),
    });
    this.client = client;
    client.on('error', (error) => logMqttError(this.log, error, {}, 'MQTT publisher error'));
    // Publishes wait in MQTT.js's queue while offline, so start need not wait forever.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn({}, 'MQTT publisher not connected yet; it keeps retrying');
        resolve();
      }, 10_000);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async publish(topic: string, payload: string): Promise<void> {
    if (!this.client) throw new Error('MQTT publisher not connected');
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client?.endAsync().catch(() => undefined);
    this.client = undefined;
  }
}
