import mqttPacket from 'mqtt-packet';
import { MqttPacketSizeGuard } from './mqtt-packet-size';

function publish(payloadBytes: number): Buffer {
  return mqttPacket.generate({
    cmd: 'publish',
    topic: 'thing/product/SN1/osd',
    payload: Buffer.alloc(payloadBytes, 0x61),
    qos: 0,
    retain: false,
    dup: false,
  });
}

const LIMIT = 1024;

describe('MqttPacketSizeGuard', () => {
  it('lets packets up to the limit pass, header included', () => {
    const guard = new MqttPacketSizeGuard(LIMIT);
    const fits = publish(LIMIT - 2 - 2 - 'thing/product/SN1/osd'.length - 1);
    expect(fits.length).toBeLessThanOrEqual(LIMIT);
    expect(guard.feed(fits)).toBeUndefined();
    expect(guard.feed(Buffer.concat([fits, fits, Buffer.from([0xc0, 0x00])]))).toBeUndefined();
  });

  it('names the size of a packet over the limit from its header alone', () => {
    const guard = new MqttPacketSizeGuard(LIMIT);
    const big = publish(LIMIT);
    expect(guard.feed(big.subarray(0, 3))).toBe(big.length);
  });

  it('follows headers split across chunks, one byte at a time', () => {
    const guard = new MqttPacketSizeGuard(LIMIT);
    const stream = Buffer.concat([publish(100), publish(200_000)]);
    let found: number | undefined;
    for (let i = 0; i < stream.length && found === undefined; i++) {
      found = guard.feed(stream.subarray(i, i + 1));
    }
    expect(found).toBe(publish(200_000).length);
  });

  it('reads the largest remaining length MQTT allows (four length bytes)', () => {
    const guard = new MqttPacketSizeGuard(LIMIT);
    expect(guard.feed(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))).toBe(1 + 4 + 268_435_455);
  });
});
