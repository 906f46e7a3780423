import net from 'node:net';
import mqtt, { MqttClient } from 'mqtt';
import mqttPacket, { Packet } from 'mqtt-packet';
import { eventually } from '../../../../../test/support/eventually';
import { uniqueName } from '../../../../../test/support/infra-settings';
import { OwnMosquitto, startOwnMosquitto } from '../../../../../test/support/own-mosquitto';
import { freePort } from '../../../../../test/support/tls-mosquitto';
import type { GatewayLog } from '../../domain/shared/ports';
import type { UplinkDelivery } from './mqtt-intake';
import { WindowedConnectionSettings, WindowedMqttConnection } from './windowed-connection';

/**
 * The windowed subscriber connection against a real Mosquitto (a broker of the test's own, with
 * password authentication), seen through a TCP proxy that decodes every packet both ways: which
 * PUBLISH the broker sent, which PUBACK the connection answered, in which order, and what
 * happens when the link drops. The handler stands in for the Kafka write: a message's promise
 * is resolved by the test.
 */

interface Seen {
  readonly link: number;
  readonly toBroker: boolean;
  readonly packet: Packet;
}

class PacketProxy {
  readonly seen: Seen[] = [];
  private readonly pairs: net.Socket[][] = [];
  private links = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(brokerPort: number, protocolVersion: 4 | 5): Promise<PacketProxy> {
    const port = await freePort();
    const server = net.createServer();
    const proxy = new PacketProxy(server, port);
    server.on('connection', (client) => {
      const link = ++proxy.links;
      const broker = net.connect({ host: '127.0.0.1', port: brokerPort });
      proxy.pairs.push([client, broker]);
      const watch = (from: net.Socket, to: net.Socket, toBroker: boolean) => {
        const parser = mqttPacket.parser({ protocolVersion });
        parser.on('packet', (packet: Packet) => proxy.seen.push({ link, toBroker, packet }));
        from.on('data', (chunk: Buffer) => {
          parser.parse(chunk);
          to.write(chunk);
        });
        from.on('close', () => to.destroy());
        from.on('error', () => to.destroy());
      };
      watch(client, broker, true);
      watch(broker, client, false);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.links;
  }

  /** Drops every proxied link at once, as a network failure would. */
  drop(): void {
    for (const pair of this.pairs.splice(0)) pair.forEach((socket) => socket.destroy());
  }

  packets(cmd: Packet['cmd'], toBroker: boolean, link?: number): Packet[] {
    return this.seen
      .filter((s) => s.packet.cmd === cmd && s.toBroker === toBroker)
      .filter((s) => link === undefined || s.link === link)
      .map((s) => s.packet);
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

class HeldHandler {
  readonly calls: number[] = [];
  private readonly held = new Map<number, { resolve: () => void }>();

  readonly handle = (delivery: UplinkDelivery): Promise<void> => {
    const seq = (JSON.parse(delivery.payload.toString()) as { seq: number }).seq;
    this.calls.push(seq);
    return new Promise<void>((resolve) => this.held.set(seq, { resolve }));
  };

  release(...seqs: number[]): void {
    for (const seq of seqs) {
      const held = this.held.get(seq);
      if (!held) throw new Error(`message ${seq} is not being handled`);
      this.held.delete(seq);
      held.resolve();
    }
  }

  releaseAll(): void {
    this.release(...this.held.keys());
  }
}

function recordingLog(): GatewayLog & { lines: string[] } {
  const lines: string[] = [];
  const record = (_context: object, message: string) => void lines.push(message);
  return { lines, debug: () => undefined, info: record, warn: record, error: record };
}

/** Lets promise callbacks already due run (no timer: the connection's reaction is synchronous). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('WindowedMqttConnection against Mosquitto', () => {
  let broker: OwnMosquitto;
  let publisher: MqttClient;
  const open: WindowedMqttConnection[] = [];
  const proxies: PacketProxy[] = [];

  beforeAll(async () => {
    broker = await startOwnMosquitto();
    publisher = await mqtt.connectAsync(broker.url, {
      username: broker.username,
      password: broker.password,
      protocolVersion: 5,
    });
  });

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.stop();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.stop(100)));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  async function setup(overrides: Partial<WindowedConnectionSettings> = {}) {
    const protocolVersion = overrides.protocolVersion ?? 5;
    const proxy = await PacketProxy.start(broker.port, protocolVersion);
    proxies.push(proxy);
    const base = uniqueName('wnd');
    const log = recordingLog();
    const settings: WindowedConnectionSettings = {
      url: proxy.url,
      username: broker.username,
      password: broker.password,
      protocolVersion,
      keepaliveSeconds: 30,
      sessionExpirySeconds: 300,
      clientId: `${base}-0`,
      filters: [`$share/${base}/${base}/+/events`],
      receiveMaximum: 64,
      ackMode: 'after-kafka',
      reconnectMinMs: 50,
      reconnectMaxMs: 200,
      ...overrides,
    };
    const handler = new HeldHandler();
    const make = (extra: Partial<WindowedConnectionSettings> = {}) => {
      const connection = new WindowedMqttConnection({ ...settings, ...extra }, log);
      open.push(connection);
      return connection;
    };
    const publish = async (seqs: number[]) => {
      for (const seq of seqs) {
        await publisher.publishAsync(`${base}/DOCK${seq % 3}/events`, JSON.stringify({ seq }), {
          qos: 1,
        });
      }
    };
    /** The packet id the broker gave each message, by seq, on one link. */
    const packetIds = (link?: number) =>
      new Map(
        proxy
          .packets('publish', false, link)
          .map((p) => [
            (JSON.parse(String((p as { payload: Buffer }).payload)) as { seq: number }).seq,
            p.messageId as number,
          ]),
      );
    const pubacks = (link?: number) => proxy.packets('puback', true, link).map((p) => p.messageId);
    return { proxy, log, handler, make, publish, packetIds, pubacks, settings };
  }

  it('handles a window of messages at once and acknowledges them in arrival order, each only after its handler', async () => {
    const { handler, make, publish, packetIds, pubacks } = await setup();
    const connection = make();
    await connection.start(handler.handle);
    await publish(range(1, 20));
    // All twenty are being handled together: none waits for another's acknowledgement.
    await eventually(() => expect(handler.calls).toHaveLength(20));
    expect(connection.unacknowledged).toBe(20);

    // Everything but the first is done: nothing may be acknowledged yet (order).
    handler.release(...range(2, 20).reverse());
    await settle();
    await settle();
    expect(pubacks()).toEqual([]);
    expect(connection.unacknowledged).toBe(20);

    handler.release(1);
    await eventually(() => expect(pubacks()).toHaveLength(20));
    const ids = packetIds();
    expect(pubacks()).toEqual(range(1, 20).map((seq) => ids.get(seq)));
    expect(connection.unacknowledged).toBe(0);
  });

  it('keeps to the Receive Maximum it negotiated, and a backlog does not starve the keepalive', async () => {
    const { proxy, handler, make, publish, log } = await setup({
      receiveMaximum: 8,
      keepaliveSeconds: 1,
    });
    const connection = make();
    await connection.start(handler.handle);
    await publish(range(1, 30));
    await eventually(() => expect(handler.calls).toHaveLength(8));
    // The broker holds the other 22 for this session; three keepalive periods pass with the
    // window full: PINGREQ is answered and the link stays up (MQTT.js would queue PINGRESP
    // behind the held messages and time out).
    await eventually(
      () => expect(proxy.packets('pingresp', false).length).toBeGreaterThanOrEqual(3),
      {
        timeoutMs: 8_000,
      },
    );
    expect(handler.calls).toHaveLength(8);
    expect(proxy.connections).toBe(1);
    expect(connection.connected).toBe(true);
    expect(log.lines.filter((line) => line.includes('reconnecting'))).toEqual([]);

    // Releasing what is handled lets the backlog through, at most 8 at a time.
    await eventually(
      () => {
        handler.releaseAll();
        expect(handler.calls).toHaveLength(30);
      },
      { timeoutMs: 8_000 },
    );
    handler.releaseAll();
    await eventually(() => expect(connection.unacknowledged).toBe(0));
    expect([...handler.calls].sort((a, b) => a - b)).toEqual(range(1, 30));
  });

  it('after a dropped link resumes the session: unacknowledged messages come again, are not handled twice, and are acknowledged once handled', async () => {
    const { proxy, handler, make, publish, packetIds, pubacks } = await setup();
    const connection = make();
    await connection.start(handler.handle);
    await publish(range(1, 10));
    await eventually(() => expect(handler.calls).toHaveLength(10));
    handler.release(1, 2);
    await eventually(() => expect(pubacks(1)).toHaveLength(2));

    proxy.drop();
    await eventually(() => {
      expect(proxy.connections).toBe(2);
      expect(connection.connected).toBe(true);
    });
    // The broker resends the eight it holds, DUP set, same packet ids.
    await eventually(() => expect(proxy.packets('publish', false, 2)).toHaveLength(8));
    expect(proxy.packets('publish', false, 2).every((p) => (p as { dup: boolean }).dup)).toBe(true);
    expect(packetIds(2)).toEqual(new Map(range(3, 10).map((seq) => [seq, packetIds(1).get(seq)])));
    await settle();
    expect(handler.calls).toHaveLength(10);

    handler.release(...range(3, 10));
    await eventually(() =>
      expect(pubacks(2)).toEqual(range(3, 10).map((s) => packetIds(2).get(s))),
    );
    expect(connection.unacknowledged).toBe(0);

    // New messages flow on the resumed session.
    await publish([11]);
    await eventually(() => expect(handler.calls).toContain(11));
    handler.release(11);
    await eventually(() => expect(pubacks(2)).toHaveLength(9));
  });

  it('acknowledges nothing whose handler did not finish: after a stop it is delivered again', async () => {
    const { handler, make, publish } = await setup();
    const first = make();
    await first.start(handler.handle);
    await publish(range(1, 4));
    await eventually(() => expect(handler.calls).toHaveLength(4));
    handler.release(1);
    await first.stop(50);

    const second = make();
    const again = new HeldHandler();
    await second.start(again.handle);
    await eventually(() => expect([...again.calls].sort()).toEqual([2, 3, 4]));
    again.releaseAll();
    await eventually(() => expect(second.unacknowledged).toBe(0));
  });

  it('tells an operator when the broker refuses the credentials, and keeps retrying', async () => {
    const { make, handler, log, proxy } = await setup({ password: 'not-the-password' });
    const connection = make();
    void connection.start(handler.handle);
    await eventually(() => {
      expect(log.lines.some((l) => l.includes('check MQTT_USERNAME, MQTT_PASSWORD'))).toBe(true);
      expect(proxy.connections).toBeGreaterThanOrEqual(2);
    });
    expect(connection.connected).toBe(false);
  });

  it('speaks MQTT 3.1.1 too (an embedded broker): on-receipt acknowledges at once', async () => {
    const { handler, make, publish, pubacks } = await setup({
      protocolVersion: 4,
      ackMode: 'on-receipt',
    });
    const connection = make();
    await connection.start(handler.handle);
    await publish(range(1, 5));
    await eventually(() => expect(handler.calls).toHaveLength(5));
    await eventually(() => expect(pubacks()).toHaveLength(5));
    handler.releaseAll();
  });
});
