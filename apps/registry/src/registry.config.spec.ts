import { loadConfig } from '@dock/platform';
import { registryConfigSchema } from './registry.config';

describe('registry config', () => {
  it('has working defaults', () => {
    const config = loadConfig(registryConfigSchema, {});
    expect(config).toMatchObject({
      HTTP_PORT: 3005,
      DATABASE_SCHEMA: 'registry',
      DATABASE_MIGRATIONS: 'run',
      REGISTRY_KAFKA_GROUP_PREFIX: 'registry',
      REGISTRY_DOCK_OFFLINE_AFTER_MS: 60_000,
      REGISTRY_REQUEST_MAX_AGE_MS: 60_000,
    });
  });

  it('refuses bad values naming the variable', () => {
    expect(() => loadConfig(registryConfigSchema, { REGISTRY_DOCK_OFFLINE_AFTER_MS: '0' })).toThrow(
      /REGISTRY_DOCK_OFFLINE_AFTER_MS/,
    );
    expect(() => loadConfig(registryConfigSchema, { DATABASE_SCHEMA: 'Bad-Name' })).toThrow(
      /DATABASE_SCHEMA/,
    );
    expect(() =>
      loadConfig(registryConfigSchema, { NODE_ENV: 'production', AUTH_DISABLED: 'true' }),
    ).toThrow(/AUTH_DISABLED/);
  });

  it('takes the Pilot access settings, tcp:// or ws:// for the broker, empty as unset', () => {
    const config = loadConfig(registryConfigSchema, {
      DJI_APP_ID: '151234',
      DJI_APP_KEY: '',
      PILOT_MQTT_URL: 'ws://192.0.2.1:8083/mqtt',
      PUBLIC_API_URL: 'https://cloud.example.com',
    });
    expect(config).toMatchObject({
      DJI_APP_ID: '151234',
      PILOT_MQTT_URL: 'ws://192.0.2.1:8083/mqtt',
    });
    expect(config.DJI_APP_KEY).toBeUndefined();
    for (const bad of ['mqtt://192.0.2.1:1883', 'mqtts://b:8883', 'tcp://u:p@b:1883', 'b:1883']) {
      expect(() => loadConfig(registryConfigSchema, { PILOT_MQTT_URL: bad })).toThrow(
        /PILOT_MQTT_URL/,
      );
    }
    expect(() => loadConfig(registryConfigSchema, { PUBLIC_API_URL: 'ftp://x' })).toThrow(
      /PUBLIC_API_URL/,
    );
  });
});
