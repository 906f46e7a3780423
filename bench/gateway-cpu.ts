/**
 * The gateway's CPU per uplink message, without Mosquitto and the load generator: a minimal
 * MQTT 5 "broker" in this process streams pre-built QoS 1 PUBLISH packets (the uplink
 * benchmark's osd and flighttask_progress payloads, alternating) to the real gateway
 * (bench/sut/gateway.ts, its own defaults) as fast as each connection's window allows, and
 * counts the PUBACKs. The gateway writes to Kafka (topics of this run, deleted at the end)
 * exactly as in `npm run bench`. Prints the gateway's CPU ms per 1,000 messages and its rate.
 *
 *   node -r @swc-node/register bench/gateway-cpu.ts [messages, default 200000]
 *   BENCH_CPU_PROF=gateway-cpu ...   # also writes the gateway's .cpuprofile (path printed)
 *
 * For trying a change to the hot path in a minute on a shared machine; the figures of record
 * come from `npm run bench -- --only uplink` (docs/performance.md).
 */
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqttPacket, { Packet } from 'mqtt-packet';
import { benchKafka, benchTopics, createTopics, deleteTopicsWithPrefix } from './lib/kafka';
import { dockSn, osdPayload, progressPayload } from './load/payloads';
import { BenchChild, cpuTimeMs, sleep } from './lib/proc';

const PROTOCOL = { protocolVersion: 5 as const };
const TEMPLATES = 4_096;
const DOCKS = 2_000;

/** A QoS 1 PUBLISH (MQTT 5, no properties) and where its packet id sits. */
interface Template {
  readonly bytes: Buffer;
  readonly idOffset: number;
}

function buildTemplates(runTag: string): Template[] {
  const now = Date.now();
  const templates: Template[] = [];
  for (let n = 0; n < TEMPLATES; n++) {
    const dock = n % DOCKS;
    const sn = dockSn('CPU', dock);
    const tid = `${runTag}-${n}`;
    const isEvent = n % 2 === 0;
    const topic = `thing/product/${sn}/${isEvent ? 'events' : 'osd'}`;
    const payload = isEvent ? progressPayload(sn, tid, now, 0) : osdPayload(sn, tid, now);
    const bytes = mqttPacket.generate(
      { cmd: 'publish', topic, payload, qos: 1, messageId: 1, retain: false, dup: false },
      PROTOCOL,
    );
    // fixed header (1) + remaining length (a varint of 1..4 bytes) + topic length (2) + topic
    let lengthBytes = 1;
    while ((bytes[lengthBytes] & 0x80) !== 0) lengthBytes++;
    templates.push({ bytes, idOffset: 1 + lengthBytes + 2 + Buffer.byteLength(topic) });
  }
  return templates;
}

/** One gateway connection as the fake broker sees it. */
interface Session {
  readonly socket: net.Socket;
  receiveMaximum: number;
  inFlight: number;
  nextId: number;
  subscribed: boolean;
}

class FakeBroker {
  private readonly server: net.Server;
  private readonly sessions: Session[] = [];
  private next = 0;
  private sent = 0;
  acked = 0;
  private total = 0;
  private pumping = false;
  private onDone: (() => void) | undefined;
  private onSubscribed: { count: number; resolve: () => void } | undefined;

  constructor(private readonly templates: Template[]) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server.listen(0, '127.0.0.1', () => {
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  subscribed(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.onSubscribed = { count, resolve };
      this.checkSubscribed();
    });
  }

  /** Streams `total` messages; resolves when every one was acknowledged. */
  run(total: number): Promise<void> {
    this.total = total;
    return new Promise((resolve) => {
      this.onDone = resolve;
      this.pump();
    });
  }

  close(): void {
    for (const session of this.sessions) session.socket.destroy();
    this.server.close();
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const session: Session = {
      socket,
      receiveMaximum: 0,
      inFlight: 0,
      nextId: 1,
      subscribed: false,
    };
    const parser = mqttPacket.parser(PROTOCOL);
    parser.on('packet', (packet: Packet) => this.onPacket(session, packet));
    parser.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const at = this.sessions.indexOf(session);
      if (at >= 0) this.sessions.splice(at, 1);
    });
  }

  private onPacket(session: Session, packet: Packet): void {
    const send = (reply: Packet): void => {
      session.socket.write(mqttPacket.generate(reply, PROTOCOL));
    };
    switch (packet.cmd) {
      case 'connect':
        session.receiveMaximum = packet.properties?.receiveMaximum ?? 65_535;
        send({ cmd: 'connack', sessionPresent: false, reasonCode: 0 });
        return;
      case 'subscribe':
        send({
          cmd: 'suback',
          messageId: packet.messageId,
          granted: packet.subscriptions.map(() => 1),
        });
        session.subscribed = true;
        this.sessions.push(session);
        this.checkSubscribed();
        return;
      case 'pingreq':
        send({ cmd: 'pingresp' });
        return;
      case 'puback':
        session.inFlight--;
        this.acked++;
        if (this.acked >= this.total && this.onDone) this.onDone();
        else this.schedulePump();
        return;
      default:
        return;
    }
  }

  private checkSubscribed(): void {
    const waiting = this.onSubscribed;
    if (waiting && this.sessions.length >= waiting.count) {
      this.onSubscribed = undefined;
      waiting.resolve();
    }
  }

  private schedulePump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      this.pump();
    });
  }

  /** Fills every window, one socket write per session. */
  private pump(): void {
    for (const session of this.sessions) {
      const room = Math.min(session.receiveMaximum - session.inFlight, this.total - this.sent);
      if (room <= 0) continue;
      const packets: Buffer[] = [];
      for (let i = 0; i < room; i++) {
        const template = this.templates[this.next];
        this.next = (this.next + 1) % this.templates.length;
        const bytes = Buffer.from(template.bytes);
        bytes.writeUInt16BE(session.nextId, template.idOffset);
        session.nextId = session.nextId >= 65_535 ? 1 : session.nextId + 1;
        packets.push(bytes);
      }
      session.inFlight += room;
      this.sent += room;
      session.socket.write(Buffer.concat(packets));
    }
  }
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? 200_000);
  const runTag = `gwcpu${Date.now().toString(36)}`;
  const logDir = mkdtempSync(path.join(os.tmpdir(), `dock-${runTag}-`));
  const kafka = benchKafka('bench-gateway-cpu');
  const prefix = `bench.${runTag}`;
  const topics = benchTopics(prefix);
  await createTopics(kafka, [
    { topic: topics.uplink.events, numPartitions: 6 },
    { topic: topics.uplink.osd, numPartitions: 6 },
  ]);
  const broker = new FakeBroker(buildTemplates(runTag));
  const port = await broker.listen();
  const gateway = new BenchChild('gateway-cpu', 'bench/sut/gateway.ts', {
    logDir,
    env: {
      BENCH_ARGS: JSON.stringify({ topics }),
      MQTT_URL: `mqtt://127.0.0.1:${port}`,
      GATEWAY_INSTANCE_ID: runTag,
      GATEWAY_SHARE_GROUP: runTag,
      GATEWAY_REDIS_PREFIX: `bench:${runTag}`,
      GATEWAY_COMMANDS_GROUP_ID: `${prefix}-commands`,
      GATEWAY_REQUEST_REPLIES_GROUP_ID: `${prefix}-request-replies`,
    },
  });
  try {
    await gateway.waitFor('ready', 90_000);
    const connections = Number(process.env.GATEWAY_MQTT_CONNECTIONS ?? 4);
    await broker.subscribed(connections);
    // Warm-up (JIT, Kafka metadata), not measured.
    await broker.run(Math.min(20_000, messages / 5));
    const warm = broker.acked;
    const cpuBefore = cpuTimeMs(gateway.pid);
    const started = Date.now();
    await broker.run(warm + messages);
    const elapsed = Date.now() - started;
    const cpu = cpuTimeMs(gateway.pid) - cpuBefore;
    process.stdout.write(
      `gateway: ${messages} messages in ${(elapsed / 1000).toFixed(1)} s ` +
        `(${Math.round((messages / elapsed) * 1000)} msg/s), CPU ${Math.round(cpu)} ms ` +
        `(${Math.round((cpu / elapsed) * 100)} % of a core), ` +
        `${((cpu / messages) * 1000).toFixed(1)} ms per 1,000 messages ` +
        `(load ${os.loadavg()[0].toFixed(1)}); logs in ${logDir}\n`,
    );
  } finally {
    await gateway.stop();
    broker.close();
    await sleep(100);
    await deleteTopicsWithPrefix(kafka, prefix);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway-cpu failed: ${String(error)}\n`);
  process.exit(1);
});
