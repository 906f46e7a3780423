import mqttPacket, { IPublishPacket, Packet } from 'mqtt-packet';

/**
 * Reads the MQTT packets of one connection's byte stream. It frames every packet itself (fixed
 * header, remaining length) and decodes the one the gateway receives tens of thousands of
 * times a second, a PUBLISH at QoS 0 or 1 without MQTT 5 properties, directly from the socket's
 * bytes: topic, packet id, payload as a view of the chunk. Every other packet (CONNACK, SUBACK,
 * PINGRESP, DISCONNECT, a PUBLISH with properties or QoS 2, anything malformed) goes whole to
 * mqtt-packet's parser, which decodes or refuses it as before.
 *
 * Why: mqtt-packet's parser walks each packet through a state machine over a BufferList with a
 * fresh packet object, debug calls and property parsing; on the uplink path that was about a
 * tenth of the gateway's CPU (docs/performance.md). The packets it produces and this one are
 * the same (packet-reader.spec.ts feeds both the same streams, split anywhere).
 */
export class MqttPacketReader {
  private readonly parser: ReturnType<typeof mqttPacket.parser>;
  /** Bytes of an incomplete packet, waiting for the rest. */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Length of the packet being gathered, once its fixed header was read (0: not yet). */
  private needed = 0;
  private failed = false;

  constructor(
    private readonly protocolVersion: 4 | 5,
    private readonly onPacket: (packet: Packet) => void,
    private readonly onError: (error: Error) => void,
  ) {
    this.parser = mqttPacket.parser({ protocolVersion });
    this.parser.on('packet', (packet: Packet) => this.onPacket(packet));
    this.parser.on('error', (error: Error) => this.fail(error));
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    let buf = chunk;
    if (this.pendingLength > 0) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
      if (this.needed > 0 && this.pendingLength < this.needed) return;
      buf = Buffer.concat(this.pending, this.pendingLength);
      this.pending = [];
      this.pendingLength = 0;
    }
    this.needed = 0;
    let offset = 0;
    while (offset < buf.length && !this.failed) {
      const frame = frameAt(buf, offset);
      if (frame === 'malformed') {
        // mqtt-packet names what is wrong with it.
        this.parser.parse(buf.subarray(offset));
        if (!this.failed) this.fail(new Error('Invalid variable byte integer'));
        return;
      }
      if (frame === undefined || frame.end > buf.length) {
        if (frame) this.needed = frame.end - offset;
        const rest = buf.subarray(offset);
        this.pending = [rest];
        this.pendingLength = rest.length;
        return;
      }
      const publish = decodePublish(buf, offset, frame.bodyStart, frame.end, this.protocolVersion);
      if (publish) this.onPacket(publish);
      else this.parser.parse(buf.subarray(offset, frame.end));
      offset = frame.end;
    }
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.pending = [];
    this.pendingLength = 0;
    this.onError(error);
  }
}

/**
 * Where the packet at `offset` has its body and ends; undefined while its fixed header is
 * incomplete; 'malformed' for a remaining length of more than four bytes.
 */
function frameAt(
  buf: Buffer,
  offset: number,
): { bodyStart: number; end: number } | 'malformed' | undefined {
  let length = 0;
  let multiplier = 1;
  for (let i = 1; i <= 4; i++) {
    if (offset + i >= buf.length) return undefined;
    const byte = buf[offset + i];
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      const bodyStart = offset + i + 1;
      return { bodyStart, end: bodyStart + length };
    }
    multiplier *= 128;
  }
  return 'malformed';
}

/**
 * A PUBLISH at QoS 0 or 1 with no MQTT 5 properties, as mqtt-packet would decode it;
 * undefined for anything else (mqtt-packet decodes or refuses that).
 */
function decodePublish(
  buf: Buffer,
  offset: number,
  bodyStart: number,
  end: number,
  protocolVersion: 4 | 5,
): IPublishPacket | undefined {
  const first = buf[offset];
  if (first >> 4 !== 3) return undefined;
  const qosBits = (first >> 1) & 3;
  if (qosBits > 1) return undefined;
  const qos: 0 | 1 = qosBits === 1 ? 1 : 0;
  if (bodyStart + 2 > end) return undefined;
  const topicLength = buf.readUInt16BE(bodyStart);
  let pos = bodyStart + 2 + topicLength;
  if (topicLength === 0 || pos > end) return undefined;
  const topic = buf.toString('utf8', bodyStart + 2, pos);
  let messageId: number | undefined;
  if (qos === 1) {
    if (pos + 2 > end) return undefined;
    messageId = buf.readUInt16BE(pos);
    pos += 2;
  }
  if (protocolVersion === 5) {
    // Property length 0 is one byte; anything else is mqtt-packet's to decode.
    if (pos >= end || buf[pos] !== 0) return undefined;
    pos += 1;
  }
  const packet: IPublishPacket = {
    cmd: 'publish',
    retain: (first & 0x01) !== 0,
    qos,
    dup: (first & 0x08) !== 0,
    length: end - bodyStart,
    topic,
    payload: buf.subarray(pos, end),
  };
  if (messageId !== undefined) packet.messageId = messageId;
  return packet;
}
