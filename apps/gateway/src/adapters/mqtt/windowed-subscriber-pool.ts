import type { GatewayLog } from '../../domain/shared/ports';
import type { DeliveryHandler, MqttIntake } from './mqtt-intake';
import type { SubscriberPoolSettings } from './mqtt-subscriber-pool';
import { WindowedMqttConnection } from './windowed-connection';
import { gatewayClientId } from './mqtt-options';

export interface WindowedPoolSettings extends SubscriberPoolSettings {
  /** MQTT 5 Receive Maximum of each connection: its window of unacknowledged messages. */
  readonly receiveMaximum: number;
}

/**
 * Subscriber connections in one shared-subscription group, each with a window of
 * unacknowledged messages (WindowedMqttConnection): a connection carries about
 * window / (Kafka write latency) messages per second, so a few connections suffice and
 * acknowledgements and Kafka requests batch across the window.
 */
export class WindowedSubscriberPool implements MqttIntake {
  private readonly connections: WindowedMqttConnection[] = [];

  constructor(
    private readonly settings: WindowedPoolSettings,
    private readonly log: GatewayLog,
  ) {}

  get size(): number {
    return this.settings.connections;
  }

  get connected(): number {
    return this.connections.filter((c) => c.connected).length;
  }

  get unacknowledged(): number {
    return this.connections.reduce((sum, c) => sum + c.unacknowledged, 0);
  }

  async start(handler: DeliveryHandler): Promise<void> {
    const { connections, instanceId, ...shared } = this.settings;
    const firstConnects: Promise<void>[] = [];
    for (let i = 0; i < connections; i++) {
      const connection = new WindowedMqttConnection(
        { ...shared, clientId: gatewayClientId(this.settings, instanceId, String(i)) },
        this.log,
      );
      this.connections.push(connection);
      firstConnects.push(connection.start(handler));
    }
    const timeoutMs = this.settings.startTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.all(firstConnects), timedOut]);
    if (timer) clearTimeout(timer);
    if (outcome === 'timeout') {
      this.log.warn(
        { connected: this.connected, size: this.size, timeoutMs },
        'not every MQTT connection is up yet; they keep retrying',
      );
    }
  }

  async stop(timeoutMs: number): Promise<void> {
    await Promise.all(this.connections.map((c) => c.stop(timeoutMs)));
    this.connections.length = 0;
  }
}
