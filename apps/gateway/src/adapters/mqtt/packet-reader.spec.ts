import mqttPacket, { Packet } from 'mqtt-packet';
import { MqttPacketReader } from './packet-reader';

type Version = 4 | 5;

/** What mqtt-packet's own parser emits for a stream, fed in these chunks. */
function viaMqttPacket(
  version: Version,
  chunks: Buffer[],
): { packets: Packet[]; errors: string[] } {
  const packets: Packet[] = [];
  const errors: string[] = [];
  const parser = mqttPacket.parser({ protocolVersion: version });
  parser.on('packet', (p: Packet) => packets.push(p));
  parser.on('error', (e: Error) => errors.push(e.message));
  for (const chunk of chunks) parser.parse(chunk);
  return { packets, errors };
}

function viaReader(version: Version, chunks: Buffer[]): { packets: Packet[]; errors: string[] } {
  const packets: Packet[] = [];
  const errors: string[] = [];
  const reader = new MqttPacketReader(
    version,
    (p) => packets.push(p),
    (e) => errors.push(e.message),
  );
  for (const chunk of chunks) reader.push(chunk);
  return { packets, errors };
}

/** Plain data (mqtt-packet's are class instances; payloads compared as bytes). */
function plain(packets: Packet[]): unknown[] {
  return packets.map((p) => {
    const copy: Record<string, unknown> = { ...p };
    if ('payload' in p && p.payload != null) copy.payload = Buffer.from(p.payload).toString('hex');
    return copy;
  });
}

/** `bigBytes` over 16,383: a remaining length of three bytes (over 2,097,151: four). */
function publishes(version: Version, bigBytes = 20_000): Packet[] {
  const big = Buffer.alloc(bigBytes, 7);
  const packets: Packet[] = [
    {
      cmd: 'publish',
      topic: 'thing/product/SN1/osd',
      payload: Buffer.from('{"a":1}'),
      qos: 1,
      messageId: 1,
      dup: false,
      retain: false,
    },
    {
      cmd: 'publish',
      topic: 'thing/product/SN1/events',
      payload: Buffer.from('{}'),
      qos: 1,
      messageId: 65_535,
      dup: true,
      retain: false,
    },
    {
      cmd: 'publish',
      topic: 'thing/product/SN1/state',
      payload: Buffer.from('x'),
      qos: 1,
      messageId: 256,
      dup: false,
      retain: true,
    },
    {
      cmd: 'publish',
      topic: 'sys/product/SN2/status',
      payload: Buffer.alloc(0),
      qos: 0,
      dup: false,
      retain: false,
    },
    {
      cmd: 'publish',
      topic: 'thing/product/ÜñÌ✓/osd',
      payload: Buffer.from('ünï'),
      qos: 1,
      messageId: 9,
      dup: false,
      retain: false,
    },
    {
      cmd: 'publish',
      topic: 'thing/product/SN3/requests',
      payload: Buffer.alloc(200, 1),
      qos: 1,
      messageId: 10,
      dup: false,
      retain: false,
    },
    {
      cmd: 'publish',
      topic: 'thing/product/SN3/events',
      payload: big,
      qos: 1,
      messageId: 11,
      dup: false,
      retain: false,
    },
    {
      cmd: 'publish',
      topic: 'thing/product/SN3/events',
      payload: Buffer.from('q2'),
      qos: 2,
      messageId: 12,
      dup: false,
      retain: false,
    },
    { cmd: 'connack', sessionPresent: true, returnCode: 0, reasonCode: 0 },
    { cmd: 'suback', messageId: 3, granted: [1, 1, 128] },
    { cmd: 'pingresp' },
  ];
  if (version === 5) {
    packets.push(
      {
        cmd: 'publish',
        topic: 'thing/product/SN4/events',
        payload: Buffer.from('{"p":1}'),
        qos: 1,
        messageId: 13,
        dup: false,
        retain: false,
        properties: {
          payloadFormatIndicator: true,
          messageExpiryInterval: 60,
          contentType: 'application/json',
          userProperties: { origin: 'dock', multi: ['a', 'b'] },
          subscriptionIdentifier: 7,
        },
      },
      {
        cmd: 'publish',
        topic: 'thing/product/SN4/osd',
        payload: Buffer.from('alias'),
        qos: 0,
        dup: false,
        retain: false,
        properties: { topicAlias: 3 },
      },
      {
        cmd: 'publish',
        topic: '',
        payload: Buffer.from('by alias'),
        qos: 1,
        messageId: 14,
        dup: false,
        retain: false,
        properties: { topicAlias: 3 },
      },
      { cmd: 'disconnect', reasonCode: 0x8b, properties: { reasonString: 'server shutting down' } },
    );
  }
  return packets;
}

function stream(version: Version, bigBytes?: number): Buffer {
  return Buffer.concat(
    publishes(version, bigBytes).map((p) => mqttPacket.generate(p, { protocolVersion: version })),
  );
}

/** Splits at every `step` bytes (1 = byte by byte). */
function split(bytes: Buffer, step: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += step) chunks.push(bytes.subarray(at, at + step));
  return chunks;
}

describe('MqttPacketReader', () => {
  describe.each([4, 5] as const)('MQTT %s', (version) => {
    const bytes = stream(version);

    it('emits what mqtt-packet emits for a stream in one chunk', () => {
      const ours = viaReader(version, [bytes]);
      expect(ours.errors).toEqual([]);
      expect(plain(ours.packets)).toEqual(plain(viaMqttPacket(version, [bytes]).packets));
      expect(ours.packets).toHaveLength(publishes(version).length);
    });

    it('emits what mqtt-packet emits for a payload at the limit (256 KiB and more)', () => {
      const large = stream(version, 300_000);
      const chunks = split(large, 65_536);
      expect(plain(viaReader(version, chunks).packets)).toEqual(
        plain(viaMqttPacket(version, chunks).packets),
      );
    });

    it.each([1, 2, 3, 7, 100, 4_096, 65_536])(
      'emits what mqtt-packet emits when the stream arrives in chunks of %s bytes',
      (step) => {
        const chunks = split(bytes, step);
        expect(plain(viaReader(version, chunks).packets)).toEqual(
          plain(viaMqttPacket(version, chunks).packets),
        );
      },
    );

    it('decodes a PUBLISH without properties from the bytes, others through mqtt-packet', () => {
      const [first] = viaReader(version, [bytes]).packets;
      expect(first.constructor).toBe(Object); // the fast path's plain object
      const suback = viaReader(version, [bytes]).packets.find((p) => p.cmd === 'suback');
      expect(suback?.constructor).not.toBe(Object); // mqtt-packet's Packet
    });
  });

  it('refuses what mqtt-packet refuses, and stops reading', () => {
    const tooLong = Buffer.from([0x32, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const badFlags = Buffer.from([0x36, 0x02, 0x00, 0x01]); // QoS bits 11
    for (const bad of [tooLong, badFlags]) {
      const theirs = viaMqttPacket(5, [bad]);
      const ours = viaReader(5, [bad, stream(5)]);
      expect(theirs.errors).toHaveLength(1);
      expect(ours.errors).toEqual(theirs.errors);
      expect(ours.packets).toEqual([]);
    }
  });

  it('refuses a topic longer than its packet, as mqtt-packet does', () => {
    const bad = Buffer.from([0x32, 0x04, 0x00, 0x09, 0x61, 0x62]);
    const theirs = viaMqttPacket(4, [bad]);
    expect(viaReader(4, [bad]).errors).toEqual(theirs.errors);
    expect(theirs.errors).toHaveLength(1);
  });
});
