import type { MqttClient } from 'mqtt';
import { report } from '../lib/child';

const TID = /"tid":"([^"]+)"/;

/** The docks a reply-timing generator simulates: one MQTT connection each. */
export interface SimulatedDocksArgs {
  mqttUrl: string;
  docks: number;
  /** Dock i is `dockSn(snPrefix, i)`. */
  snPrefix: string;
  /** Every tid this run publishes starts so. */
  tidPrefix: string;
}

/**
 * Times each events_reply from the publish of the event with the same tid (the burst and the
 * reply-latency generators): what was published, answered, is still owed, and replies that
 * answer nothing this run sent.
 */
export class ReplyTimer {
  private readonly sent = new Map<string, number>();
  private readonly latencies: number[] = [];
  private unexpected = 0;
  private published = 0;

  /** Call right before publishing the event with this tid. */
  publishing(tid: string): void {
    this.sent.set(tid, performance.now());
    this.published++;
  }

  /** The MQTT `message` listener of a dock's events_reply subscription. */
  readonly onReply = (_topic: string, payload: Buffer): void => {
    const received = performance.now();
    const match = TID.exec(payload.toString());
    const at = match ? this.sent.get(match[1]) : undefined;
    if (!match || at === undefined) {
      this.unexpected++;
      return;
    }
    this.sent.delete(match[1]);
    this.latencies.push(received - at);
  };

  /** Replies still owed. */
  get owed(): number {
    return this.sent.size;
  }

  /** Reports the run to the orchestrator, closes the docks' connections and ends the child. */
  async finish(clients: MqttClient[]): Promise<void> {
    await report({
      type: 'done',
      published: this.published,
      replied: this.latencies.length,
      missing: this.sent.size,
      unexpected: this.unexpected,
      latencies: this.latencies,
    });
    await Promise.all(clients.map((c) => c.endAsync(true)));
    process.exit(0);
  }
}
