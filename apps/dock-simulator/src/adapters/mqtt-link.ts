import mqtt, { MqttClient } from 'mqtt';
import type { WireMessage } from '../domain/wire-encoding';

/**
 * One dock's MQTT connection (client id = dock SN, as a real dock). Subscribes to the four
 * downlink topics of its SN on every (re)connect and reports connects and drops, so the dock
 * machine always knows whether what it publishes can reach the broker.
 */

export interface MqttLinkOptions {
  readonly url: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  /** 5 (default) or 4 = MQTT 3.1.1. */
  readonly protocolVersion: 4 | 5;
  readonly subscriptions: readonly string[];
  /** Automatic reconnect after a drop the script did not ask for. */
  readonly reconnectPeriodMs: number;
  readonly connectTimeoutMs: number;
  /** TLS options for mqtts:// and wss:// (PEM text). */
  readonly tls?: { readonly ca?: string; readonly cert?: string; readonly key?: string };
}

export interface LinkHandlers {
  onConnected(): void;
  onDisconnected(): void;
  onMessage(topic: string, payload: Buffer): void;
  onError(error: Error): void;
}

export class MqttLink {
  private client: MqttClient | null = null;
  private connectedOnce = false;
  publishErrors = 0;

  constructor(
    private readonly options: MqttLinkOptions,
    private readonly handlers: LinkHandlers,
  ) {}

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Resolves on the first successful connect and subscribe; keeps retrying in the background. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no MQTT connection within ${this.options.connectTimeoutMs} ms`)),
        this.options.connectTimeoutMs,
      );
      this.open(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  publish(message: WireMessage): void {
    const client = this.client;
    if (client === null || !client.connected) {
      this.publishErrors += 1;
      return;
    }
    client.publish(message.topic, message.payload, { qos: message.qos }, (error) => {
      if (error) this.publishErrors += 1;
    });
  }

  /** Scripted outage: drop the connection and stay away until reopen(). */
  async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync(true);
    this.handlers.onDisconnected();
  }

  reopen(): void {
    if (this.client === null) this.open(() => undefined);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync(true).catch(() => undefined);
  }

  private open(onFirstConnect: () => void): void {
    const o = this.options;
    const client = mqtt.connect(o.url, {
      clientId: o.clientId,
      protocolVersion: o.protocolVersion,
      clean: true,
      keepalive: 60,
      // Jitter so a thousand docks that lost the broker together do not return in one burst.
      reconnectPeriod: o.reconnectPeriodMs + Math.floor(Math.random() * o.reconnectPeriodMs),
      connectTimeout: o.connectTimeoutMs,
      resubscribe: false,
      // A real dock loses what it sends while offline; so does this one.
      queueQoSZero: false,
      ...(o.username === undefined ? {} : { username: o.username }),
      ...(o.password === undefined ? {} : { password: o.password }),
      ...o.tls,
    });
    this.client = client;
    client.on('connect', () => {
      client.subscribe([...o.subscriptions], { qos: 1 }, (error) => {
        if (error) {
          this.handlers.onError(error);
          return;
        }
        if (this.client !== client) return;
        this.handlers.onConnected();
        if (!this.connectedOnce) {
          this.connectedOnce = true;
          onFirstConnect();
        }
      });
    });
    client.on('close', () => {
      if (this.client === client) this.handlers.onDisconnected();
    });
    client.on('message', (topic, payload) => this.handlers.onMessage(topic, payload));
    client.on('error', (error) => this.handlers.onError(error));
  }
}
