import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import type { GatewayLog } from '../../domain/shared/ports';
import { StoppingError } from '../../domain/shared/retry';
import { DeliveryHandler, MqttIntake } from './mqtt-intake';
import {
  gatewayClientId,
  logMqttError,
  MqttConnectionSettings,
  persistentSessionOptions,
} from './mqtt-options';

export interface SubscriberPoolSettings extends MqttConnectionSettings {
  /** Client ids are `{instanceId}-{i}`: stable, so a restarted replica resumes its sessions. */
  readonly instanceId: string;
  readonly connections: number;
  /** Topic filters, already wrapped in `$share/{group}/` when shared subscriptions are used. */
  readonly filters: readonly string[];
  /**
   * after-kafka: the PUBACK waits for the handler (MQTT.js customHandleAcks); the connection
   * takes its next message only then. on-receipt: the client acknowledges at once.
   */
  readonly ackMode: 'after-kafka' | 'on-receipt';
  /** How long start() waits for the first connections before going on (readiness tells). */
  readonly startTimeoutMs?: number;
}

/**
 * A pool of subscriber connections in one shared-subscription group. MQTT.js handles a
 * connection's packets one at a time, so with acknowledgement after the Kafka write a
 * connection carries about 1 / (write latency) messages per second: throughput comes from
 * the number of connections (engineering notes: 16 connections ≈ 4,000 msg/s at 3 ms).
 */
export class MqttSubscriberPool implements MqttIntake {
  private readonly clients: MqttClient[] = [];
  private handler: DeliveryHandler | undefined;
  private stopping = false;
  private pendingAcks = 0;

  constructor(
    private readonly settings: SubscriberPoolSettings,
    private readonly log: GatewayLog,
  ) {}

  get size(): number {
    return this.settings.connections;
  }

  get connected(): number {
    return this.clients.filter((client) => client.connected).length;
  }

  get unacknowledged(): number {
    return this.pendingAcks;
  }

  async start(handler: DeliveryHandler): Promise<void> {
    this.handler = handler;
    const firstConnects: Promise<void>[] = [];
    for (let i = 0; i < this.settings.connections; i++) {
      const clientId = gatewayClientId(this.settings, this.settings.instanceId, String(i));
      const client = mqtt.connect(this.settings.url, this.options(clientId));
      this.clients.push(client);
      firstConnects.push(new Promise((resolve) => client.once('connect', () => resolve())));
      this.wire(client, clientId);
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
    this.stopping = true;
    const deadline = Date.now() + timeoutMs;
    while (this.pendingAcks > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // A clean DISCONNECT flushes the last PUBACKs; what is still unacknowledged stays at the
    // broker for this session. A connection that does not close in time is dropped.
    await Promise.all(this.clients.map((client) => closeClient(client, 2_000)));
    this.clients.length = 0;
  }

  private options(clientId: string): IClientOptions {
    const options = persistentSessionOptions(this.settings, clientId);
    if (this.settings.ackMode === 'on-receipt') return options;
    return {
      ...options,
      customHandleAcks: (topic, payload, _packet, done) => {
        this.deliver(topic, payload).then(
          () => done(0),
          (error: unknown) => this.leaveUnacknowledged(clientId, error),
        );
      },
    };
  }

  private wire(client: MqttClient, clientId: string): void {
    client.on('connect', (connack) => {
      this.log.info({ clientId, sessionPresent: connack.sessionPresent }, 'MQTT connected');
      client
        .subscribeAsync([...this.settings.filters], { qos: 1 })
        .then((granted) => {
          const refused = granted.filter((g) => g.qos !== 1);
          if (refused.length > 0) {
            this.log.error({ clientId, refused }, 'MQTT subscription not granted at QoS 1');
          }
        })
        .catch((error: unknown) =>
          this.log.error({ err: error, clientId }, 'MQTT subscribe failed'),
        );
    });
    client.on('message', (topic, payload, packet) => {
      // With held acks, QoS 1 goes through customHandleAcks; only QoS 0 arrives here alone.
      if (this.settings.ackMode === 'after-kafka' && packet.qos > 0) return;
      void this.deliver(topic, payload).catch((error: unknown) => {
        if (!(error instanceof StoppingError)) {
          this.log.error({ err: error, clientId, topic }, 'message handling failed');
        }
      });
    });
    client.on('error', (error) => logMqttError(this.log, error, { clientId }, 'MQTT client error'));
    client.on('offline', () => {
      if (!this.stopping) this.log.warn({ clientId }, 'MQTT connection offline; reconnecting');
    });
  }

  private async deliver(topic: string, payload: Buffer): Promise<void> {
    if (this.stopping || !this.handler) throw new StoppingError();
    this.pendingAcks++;
    try {
      await this.handler({ topic, payload, receivedAt: Date.now() });
    } finally {
      this.pendingAcks--;
    }
  }

  /**
   * The message is not acknowledged. When stopping, that is the point (it is redelivered after
   * the restart). Otherwise a bug failed it: dropping the connection makes the broker redeliver
   * it instead of leaving this connection stuck on an acknowledgement that never comes.
   */
  private leaveUnacknowledged(clientId: string, error: unknown): void {
    if (error instanceof StoppingError || this.stopping) return;
    this.log.error(
      { err: error, clientId },
      'message handling failed; reconnecting for redelivery',
    );
    const client = this.clients.find((c) => c.options.clientId === clientId);
    client?.stream?.destroy();
  }
}

async function closeClient(client: MqttClient, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = client.endAsync(false).then(
    () => true,
    () => false,
  );
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const clean = await Promise.race([closed, timedOut]);
  if (timer) clearTimeout(timer);
  if (!clean) await client.endAsync(true).catch(() => undefined);
}
