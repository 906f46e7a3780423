import mqtt, { MqttClient } from 'mqtt';
import { infraSettings, uniqueName } from '../../../support/infra-settings';

export interface DownlinkMessage {
  readonly topic: string;
  readonly json: Record<string, unknown>;
}

/**
 * Plays the docks: publishes uplink messages at QoS 1 and records what the cloud sends down
 * (services, events_reply, status_reply, state_reply, requests_reply) for the SNs it watches.
 */
export class DockSimulator {
  readonly received: DownlinkMessage[] = [];
  private client: MqttClient | undefined;
  private onServices: ((message: DownlinkMessage) => void) | undefined;

  async connect(): Promise<void> {
    this.client = await mqtt.connectAsync(infraSettings.mqttUrl, {
      protocolVersion: 5,
      clientId: uniqueName('it-dock'),
      clean: true,
      reconnectPeriod: 0,
    });
    this.client.on('message', (topic, payload) => {
      const message = { topic, json: JSON.parse(payload.toString()) as Record<string, unknown> };
      this.received.push(message);
      if (topic.endsWith('/services')) this.onServices?.(message);
    });
  }

  /** Receives everything sent down to docks whose SN starts with `snPrefix`. */
  async watch(sn: string): Promise<void> {
    await this.mqtt.subscribeAsync(
      ['services', 'events_reply', 'requests_reply', 'state_reply']
        .map((family) => `thing/product/${sn}/${family}`)
        .concat(`sys/product/${sn}/status_reply`),
      { qos: 1 },
    );
  }

  /** Answers each command with `reply(command)` (undefined: no answer). */
  answerCommands(reply: (command: DownlinkMessage) => Record<string, unknown>[] | undefined): void {
    this.onServices = (command) => {
      for (const answer of reply(command) ?? []) {
        void this.publish(
          command.topic.replace(/\/services$/, '/services_reply'),
          JSON.stringify(answer),
        );
      }
    };
  }

  async publish(topic: string, payload: string | Buffer): Promise<void> {
    await this.mqtt.publishAsync(topic, payload, { qos: 1 });
  }

  downlink(topicSuffix: string): DownlinkMessage[] {
    return this.received.filter((message) => message.topic.endsWith(topicSuffix));
  }

  async close(): Promise<void> {
    await this.client?.endAsync();
  }

  private get mqtt(): MqttClient {
    if (!this.client) throw new Error('not connected');
    return this.client;
  }
}
