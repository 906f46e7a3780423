import { pbkdf2Sync } from 'node:crypto';
import {
  generateMqttPassword,
  generateMqttUsername,
  hashMqttPassword,
  verifyMqttPassword,
} from './mqtt-secret';

describe('MQTT passwords', () => {
  it('are random, and stored in the $7$ PBKDF2-SHA512 format with a salt of their own', async () => {
    const password = generateMqttPassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generateMqttPassword()).not.toBe(password);
    expect(generateMqttUsername('org-1234')).toMatch(/^org-1234-[0-9a-f]{10}$/);
    const hash = await hashMqttPassword(password, 1_000);
    const [, seven, iterations, salt, digest] = hash.split('$');
    expect(seven).toBe('7');
    expect(iterations).toBe('1000');
    expect(
      pbkdf2Sync(password, Buffer.from(salt as string, 'base64'), 1_000, 64, 'sha512').toString(
        'base64',
      ),
    ).toBe(digest);
    expect(await hashMqttPassword(password, 1_000)).not.toBe(hash);
  });

  it('verify the right password only, and never throw on a malformed hash', async () => {
    const hash = await hashMqttPassword('right', 1_000);
    expect(await verifyMqttPassword('right', hash)).toBe(true);
    expect(await verifyMqttPassword('wrong', hash)).toBe(false);
    expect(await verifyMqttPassword('right', 'plain')).toBe(false);
    expect(await verifyMqttPassword('right', '$7$0$AAAA$BBBB')).toBe(false);
  });

  it('verify what mosquitto_passwd wrote', async () => {
    // mosquitto_passwd -b file alice secret (Mosquitto 2.0.11)
    const written =
      '$7$101$tKDidTyOjYXx6Vxm$TaUAAEQgdTt++4zZfPSZ6C9mdKmghj71mLzRH50L/B7Ke/e5Ht0xWlV2RziZZxVk3tC08D0UdLfF/5AuhvEdWg==';
    expect(await verifyMqttPassword('secret', written)).toBe(true);
    expect(await verifyMqttPassword('Secret', written)).toBe(false);
  });
});
