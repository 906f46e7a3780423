import { loadConfig } from '@dock/platform';
import { standaloneConfigSchema } from './standalone.config';

describe('MQTT_MAX_PACKET_BYTES', () => {
  it('defaults to 1 MiB', () => {
    expect(loadConfig(standaloneConfigSchema, {}).MQTT_MAX_PACKET_BYTES).toBe(1024 * 1024);
  });

  it('takes a positive whole number up to the MQTT maximum', () => {
    const config = loadConfig(standaloneConfigSchema, { MQTT_MAX_PACKET_BYTES: '65536' });
    expect(config.MQTT_MAX_PACKET_BYTES).toBe(65536);
  });

  it.each(['0', '-1', '1.5', 'lots', '268435461'])('refuses %s, naming the variable', (value) => {
    expect(() => loadConfig(standaloneConfigSchema, { MQTT_MAX_PACKET_BYTES: value })).toThrow(
      /MQTT_MAX_PACKET_BYTES/,
    );
  });
});
