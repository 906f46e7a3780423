import mqttPacket from 'mqtt-packet';
import { pubackFrames } from './puback-frames';

describe('pubackFrames', () => {
  const ids = [1, 2, 255, 256, 4_660, 65_535];

  it.each([4, 5] as const)(
    'writes the bytes mqtt-packet generates for MQTT %s (reason code 0), one after another',
    (protocolVersion) => {
      const expected = Buffer.concat(
        ids.map((messageId) =>
          mqttPacket.generate(
            protocolVersion === 5
              ? { cmd: 'puback', messageId, reasonCode: 0 }
              : { cmd: 'puback', messageId },
            { protocolVersion },
          ),
        ),
      );
      expect(pubackFrames(ids).equals(expected)).toBe(true);
    },
  );

  it('parses back to the same packet ids, in order', () => {
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const parsed: number[] = [];
    parser.on('packet', (packet) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined) parsed.push(packet.messageId);
    });
    parser.parse(pubackFrames(ids));
    expect(parsed).toEqual(ids);
  });
});
