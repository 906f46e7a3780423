import mqtt, { MqttClient } from 'mqtt';
import { ClosableCheck } from './closable-check';

/** The broker answers when a client of ours holds a live connection to it. */
export function mqttCheck(url: string, clientId: string): ClosableCheck {
  let client: MqttClient | undefined;
  return {
    name: 'mqtt',
    async check() {
      if (!client) {
        client = mqtt.connect(url, {
          clientId: `${clientId}-health-${process.pid}`,
          protocolVersion: 5,
          clean: true,
          connectTimeout: 2_000,
          reconnectPeriod: 1_000,
        });
        client.on('error', () => undefined);
      }
      if (client.connected) return;
      const pending = client;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('not connected to the MQTT broker')),
          1_500,
        );
        pending.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      await client?.endAsync(true).catch(() => undefined);
      client = undefined;
    },
  };
}
