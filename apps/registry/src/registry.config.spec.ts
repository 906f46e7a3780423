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
});
