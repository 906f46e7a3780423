import net from 'node:net';
import tls from 'node:tls';
import mqttPacket, {
  IConnackPacket,
  IConnectPacket,
  IDisconnectPacket,
  IPublishPacket,
  ISubackPacket,
  ISubscribePacket,
  Packet,
} from 'mqtt-packet';
import type { GatewayLog } from '../../domain/shared/ports';
import { StoppingError } from '../../domain/shared/retry';
import { AckWindow, CarriedOver, WindowEntry } from './ack-window';
import type { DeliveryHandler } from './mqtt-intake';
import { logMqttError, MqttConnectionSettings } from './mqtt-options';
import { MqttPacketReader } from './packet-reader';
import { pubackFrames } from './puback-frames';

export interface WindowedConnectionSettings extends MqttConnectionSettings {
  readonly clientId: string;
  /** Topic filters, already wrapped in `$share/{group}/` when shared subscriptions are used. */
  readonly filters: readonly string[];
  /**
   * QoS 1 messages the broker may have in flight to this connection (MQTT 5 Receive Maximum,
   * sent in CONNECT; an MQTT 3.1.1 broker applies its own limit, e.g. Mosquitto's
   * max_inflight_messages).
   */
  readonly receiveMaximum: number;
  /** after-kafka: PUBACK once the handler resolved, in order. on-receipt: at once. */
  readonly ackMode: 'after-kafka' | 'on-receipt';
  readonly connectTimeoutMs?: number;
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
}

/** Only the URL schemes this connection speaks (ws:// and wss:// stay with MQTT.js). */
export function windowedConnectionSupports(url: string): boolean {
  try {
    return ['mqtt:', 'mqtts:', 'tcp:', 'ssl:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** CONNACK codes an operator can act on (MQTT 5 reason codes, MQTT 3.1.1 return codes). */
const CONNACK_REFUSALS_V5: Record<number, string> = {
  0x84: 'unsupported protocol version',
  0x85: 'client identifier not valid',
  0x86: 'bad user name or password (check MQTT_USERNAME, MQTT_PASSWORD)',
  // Mosquitto answers a wrong password with this one too.
  0x87: 'not authorized (check MQTT_USERNAME, MQTT_PASSWORD and the broker ACL)',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
  0x9f: 'connection rate exceeded',
};
const CONNACK_REFUSALS_V4: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'client identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password (check MQTT_USERNAME, MQTT_PASSWORD)',
  5: 'not authorized (check MQTT_USERNAME, MQTT_PASSWORD and the broker ACL)',
};

interface InWindow {
  readonly topic: string;
  readonly payload: Buffer;
  readonly handled: Promise<void>;
}

/**
 * One subscriber connection driven on the MQTT packet layer (mqtt-packet over a net or TLS
 * socket), because MQTT.js handles one packet at a time: with acknowledgement after the Kafka
 * write it holds every following packet, PINGRESP included, behind the current message.
 *
 * Here every packet is read as it arrives. QoS 1 messages are handed to the handler at once,
 * up to the Receive Maximum the broker honours, so their Kafka writes batch together; each
 * PUBACK goes out when its handler resolved and every earlier message is acknowledged (in
 * order), several in one socket write. A message is never acknowledged before its handler
 * resolved (after-kafka). Keepalive: PINGREQ when the link was quiet for half the keepalive
 * (the broker's Server Keep Alive if it sets one); the link counts as dead only when nothing
 * at all arrived for a whole keepalive after a PINGREQ, so a backlog cannot starve it.
 * Lost connections are re-opened with backoff on the same persistent session (clean start
 * false, session expiry): the broker redelivers what was unacknowledged; a redelivered message
 * whose handling is still under way waits for it instead of being handled twice.
 */
export class WindowedMqttConnection {
  private readonly window = new AckWindow<InWindow>();
  private readonly carried = new CarriedOver();
  private socket: net.Socket | undefined;
  private generation = 0;
  private handler: DeliveryHandler | undefined;
  private stopping = false;
  private isConnected = false;
  private running = 0;
  private nextPacketId = 1;
  private keepaliveMs = 0;
  private lastSent = 0;
  private lastReceived = 0;
  private pingSentAt: number | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs: number;
  private firstConnect: { promise: Promise<void>; resolve: () => void };
  private closedWaiters: (() => void)[] = [];
  private reusedIdSeen = false;
  /** Reading stopped: the window is full (a broker that does not keep to Receive Maximum). */
  private paused = false;
  /** Acknowledged ids whose PUBACKs go out in the next write (in window order). */
  private pubacksDue: number[] = [];

  constructor(
    private readonly settings: WindowedConnectionSettings,
    private readonly log: GatewayLog,
  ) {
    this.reconnectDelayMs = settings.reconnectMinMs ?? 1_000;
    let resolve: () => void = () => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    this.firstConnect = { promise, resolve };
  }

  get clientId(): string {
    return this.settings.clientId;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** Received and not yet acknowledged. */
  get unacknowledged(): number {
    return this.window.size;
  }

  /** Opens the connection; resolves once first subscribed (until then it keeps retrying). */
  start(handler: DeliveryHandler): Promise<void> {
    this.handler = handler;
    this.open();
    return this.firstConnect.promise;
  }

  /**
   * Takes no new message, waits (up to the timeout) for those being handled, sends their
   * PUBACKs, then DISCONNECTs (the session and what is unacknowledged stay at the broker).
   */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const deadline = Date.now() + timeoutMs;
    while (this.running > 0 && Date.now() < deadline && this.socket) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const socket = this.socket;
    if (!socket) return;
    const closed = new Promise<void>((resolve) => this.closedWaiters.push(resolve));
    this.writePubacks(this.generation); // those due go before the DISCONNECT
    if (this.isConnected) {
      this.send(
        this.settings.protocolVersion === 5
          ? { cmd: 'disconnect', reasonCode: 0 }
          : { cmd: 'disconnect' },
      );
    }
    socket.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
    if (timer) clearTimeout(timer);
    socket.destroy();
  }

  private open(): void {
    const generation = ++this.generation;
    const url = new URL(this.settings.url);
    const secure = url.protocol === 'mqtts:' || url.protocol === 'ssl:';
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || (secure ? 8883 : 1883));
    const tlsSettings = this.settings.tls;
    const socket: net.Socket = secure
      ? tls.connect({
          host,
          port,
          ...(net.isIP(host) ? {} : { servername: host }),
          ...(tlsSettings ?? {}),
        })
      : net.connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    const reader = new MqttPacketReader(
      this.settings.protocolVersion,
      (packet) => this.onPacket(generation, packet),
      (error) => {
        this.log.error(
          { err: error, clientId: this.clientId },
          'malformed MQTT packet; reconnecting',
        );
        socket.destroy();
      },
    );
    socket.on('data', (chunk: Buffer) => {
      this.lastReceived = Date.now();
      reader.push(chunk);
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => this.sendConnect());
    socket.on('error', (error) =>
      logMqttError(this.log, error, { clientId: this.clientId }, 'MQTT client error'),
    );
    socket.on('close', () => this.onClose(generation));
    this.connectTimer = setTimeout(() => {
      this.log.warn({ clientId: this.clientId }, 'no CONNACK in time; reconnecting');
      socket.destroy();
    }, this.settings.connectTimeoutMs ?? 10_000);
  }

  private sendConnect(): void {
    const { settings } = this;
    const packet: IConnectPacket = {
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: settings.protocolVersion,
      clientId: settings.clientId,
      clean: false,
      keepalive: settings.keepaliveSeconds,
      ...(settings.username === undefined ? {} : { username: settings.username }),
      ...(settings.password === undefined ? {} : { password: Buffer.from(settings.password) }),
      ...(settings.protocolVersion === 5
        ? {
            properties: {
              sessionExpiryInterval: settings.sessionExpirySeconds,
              receiveMaximum: settings.receiveMaximum,
            },
          }
        : {}),
    };
    this.send(packet);
  }

  private onPacket(generation: number, packet: Packet): void {
    if (generation !== this.generation) return;
    switch (packet.cmd) {
      case 'connack':
        return this.onConnack(packet);
      case 'publish':
        return this.onPublish(generation, packet);
      case 'pingresp':
        this.pingSentAt = undefined;
        return;
      case 'suback':
        return this.onSuback(packet);
      case 'disconnect':
        return this.onServerDisconnect(packet);
      default:
        this.log.debug({ clientId: this.clientId, cmd: packet.cmd }, 'MQTT packet ignored');
    }
  }

  private onConnack(packet: IConnackPacket): void {
    if (this.connectTimer) clearTimeout(this.connectTimer);
    const v5 = this.settings.protocolVersion === 5;
    const code = (v5 ? packet.reasonCode : packet.returnCode) ?? 0;
    if (code !== 0) {
      const meaning = (v5 ? CONNACK_REFUSALS_V5 : CONNACK_REFUSALS_V4)[code] ?? 'refused';
      this.log.error(
        { clientId: this.clientId, code, reason: packet.properties?.reasonString },
        `MQTT broker refused the connection: ${meaning}; retrying`,
      );
      this.socket?.destroy();
      return;
    }
    this.isConnected = true;
    this.reconnectDelayMs = this.settings.reconnectMinMs ?? 1_000;
    if (!packet.sessionPresent) this.carried.forget();
    const serverKeepAlive = packet.properties?.serverKeepAlive;
    this.keepaliveMs = (serverKeepAlive ?? this.settings.keepaliveSeconds) * 1000;
    this.startKeepalive();
    this.log.info(
      {
        clientId: this.clientId,
        sessionPresent: packet.sessionPresent,
        receiveMaximum: this.settings.receiveMaximum,
        ...(serverKeepAlive === undefined ? {} : { serverKeepAlive }),
      },
      'MQTT connected',
    );
    // Subscribed on every connect: the broker may have dropped an expired session.
    const subscribe: ISubscribePacket = {
      cmd: 'subscribe',
      messageId: this.packetId(),
      subscriptions: this.settings.filters.map((topic) => ({ topic, qos: 1 as const })),
    };
    this.send(subscribe);
  }

  private onSuback(packet: ISubackPacket): void {
    this.firstConnect.resolve();
    // Granted QoS (MQTT 3.1.1) or reason code (MQTT 5): 1 is "granted QoS 1".
    const refused = (packet.granted as unknown[])
      .map((granted, i) => ({ filter: this.settings.filters[i], granted }))
      .filter(({ granted }) => granted !== 1);
    if (refused.length > 0) {
      this.log.error(
        { clientId: this.clientId, refused },
        'MQTT subscription not granted at QoS 1 (check the broker ACL)',
      );
    }
  }

  private onServerDisconnect(packet: IDisconnectPacket): void {
    this.log.warn(
      {
        clientId: this.clientId,
        reasonCode: packet.reasonCode,
        reason: packet.properties?.reasonString,
      },
      'MQTT broker closed the connection',
    );
  }

  private onPublish(generation: number, packet: IPublishPacket): void {
    const { topic, qos, messageId } = packet;
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (qos === 0 || messageId === undefined) {
      if (this.stopping) return;
      void this.handle(topic, payload).catch((error: unknown) =>
        this.failed(generation, error, false),
      );
      return;
    }
    if (this.stopping) return; // left unacknowledged: redelivered to the session later
    const resumed = this.carried.claim(messageId, packet.dup, topic, payload);
    if (!this.reusedIdSeen && this.window.holds(messageId)) {
      this.reusedIdSeen = true;
      this.log.warn(
        { clientId: this.clientId, messageId, unacknowledged: this.window.size },
        'MQTT broker sent a packet id still in flight (more than 65,535 messages queued for ' +
          'this session); acknowledging each copy in order',
      );
    }
    const handled = resumed ?? this.handle(topic, payload);
    const entry = this.window.add(messageId, { topic, payload, handled });
    // Mosquitto 2.0.11 was seen sending far more than the Receive Maximum to a session with a
    // deep queue (65,535 in flight, the gateway out of memory): the window is bounded here too,
    // by not reading the socket once it is over-full (TCP holds the broker back). Only over:
    // a broker keeping to the Receive Maximum fills the window exactly and sends no more until
    // a PUBACK, so pausing at a full window would only stop and restart reading every batch
    // (and leave its PINGRESP unread).
    if (this.window.size > this.settings.receiveMaximum && !this.paused && this.socket) {
      this.paused = true;
      this.socket.pause();
    }
    if (this.settings.ackMode === 'on-receipt') {
      this.acknowledge(entry);
      handled.catch((error: unknown) => this.failed(generation, error, false));
      return;
    }
    handled.then(
      () => {
        if (generation === this.generation) this.acknowledge(entry);
      },
      (error: unknown) => this.failed(generation, error),
    );
  }

  private async handle(topic: string, payload: Buffer): Promise<void> {
    if (!this.handler) throw new StoppingError();
    this.running++;
    try {
      await this.handler({ topic, payload, receivedAt: Date.now() });
    } finally {
      this.running--;
    }
  }

  /**
   * Queues the PUBACKs of the run of completed messages at the head of the window. A Kafka
   * batch resolves its messages one microtask each, so each completion would free a run of
   * one: the ids are gathered and written once the microtasks have run (process.nextTick),
   * one socket write per batch, in window order.
   */
  private acknowledge(entry: WindowEntry<InWindow>): void {
    const ready = this.window.complete(entry);
    if (this.paused && this.window.size <= this.settings.receiveMaximum) {
      this.paused = false;
      this.socket?.resume();
    }
    if (ready.length === 0) return;
    for (const id of ready) this.pubacksDue.push(id);
    if (this.pubacksDue.length === ready.length) {
      const generation = this.generation;
      process.nextTick(() => this.writePubacks(generation));
    }
  }

  private writePubacks(generation: number): void {
    // A connection lost meanwhile dropped its due ids: the broker redelivers those messages.
    if (generation !== this.generation || this.pubacksDue.length === 0) return;
    const due = this.pubacksDue;
    this.pubacksDue = [];
    if (!this.socket || !this.isConnected) return;
    this.write(pubackFrames(due));
  }

  /**
   * A handler failed. Stopping: the message stays unacknowledged on purpose (redelivered
   * after the restart). Otherwise a bug failed it: the connection is dropped so the broker
   * redelivers it, instead of the window waiting forever for its acknowledgement.
   */
  private failed(generation: number, error: unknown, reconnect = true): void {
    if (error instanceof StoppingError || this.stopping) return;
    this.log.error(
      { err: error, clientId: this.clientId },
      reconnect
        ? 'message handling failed; reconnecting for redelivery'
        : 'message handling failed',
    );
    if (reconnect && generation === this.generation) this.socket?.destroy();
  }

  private onClose(generation: number): void {
    if (generation !== this.generation) return;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    const wasConnected = this.isConnected;
    this.isConnected = false;
    this.socket = undefined;
    this.paused = false;
    this.pubacksDue = [];
    this.pingSentAt = undefined;
    // What was unacknowledged comes again on the resumed session; keep its handling.
    for (const { packetId, value } of this.window.clear()) this.carried.keep(packetId, value);
    const waiters = this.closedWaiters;
    this.closedWaiters = [];
    waiters.forEach((resolve) => resolve());
    if (this.stopping) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.settings.reconnectMaxMs ?? 15_000, delay * 2);
    this.log.warn(
      { clientId: this.clientId, wasConnected, retryInMs: delay, carried: this.carried.size },
      'MQTT connection lost; reconnecting',
    );
    this.reconnectTimer = setTimeout(() => this.open(), delay * (0.75 + Math.random() * 0.5));
  }

  private startKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    this.pingSentAt = undefined;
    if (this.keepaliveMs <= 0) return;
    const tick = Math.max(100, Math.min(1_000, this.keepaliveMs / 4));
    this.keepaliveTimer = setInterval(() => this.checkKeepalive(), tick);
    this.keepaliveTimer.unref();
  }

  private checkKeepalive(): void {
    const now = Date.now();
    const half = this.keepaliveMs / 2;
    if (this.pingSentAt !== undefined) {
      // Anything received since the PINGREQ proves the link; only silence means it is dead.
      // While reading is paused (window full) the answer waits in the socket: not a dead link.
      if (this.lastReceived >= this.pingSentAt || this.paused) this.pingSentAt = undefined;
      else if (now - this.pingSentAt >= this.keepaliveMs) {
        this.log.warn({ clientId: this.clientId }, 'MQTT keepalive: no answer; reconnecting');
        this.socket?.destroy();
        return;
      }
    }
    if (
      this.pingSentAt === undefined &&
      (now - this.lastSent >= half || now - this.lastReceived >= half)
    ) {
      this.pingSentAt = now;
      this.send({ cmd: 'pingreq' });
    }
  }

  private packetId(): number {
    const id = this.nextPacketId;
    this.nextPacketId = id >= 65_535 ? 1 : id + 1;
    return id;
  }

  private send(packet: Packet): void {
    this.write(mqttPacket.generate(packet, { protocolVersion: this.settings.protocolVersion }));
  }

  private write(buffer: Buffer): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    this.lastSent = Date.now();
    socket.write(buffer);
  }
}
