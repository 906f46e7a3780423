import { ConfigError, loadConfig } from '@dock/platform';
import { telemetryConfigSchema } from './telemetry.config';

describe('telemetry configuration', () => {
  it('defaults to local services, port 3003 and 30 days of history', () => {
    const config = loadConfig(telemetryConfigSchema, {});
    expect(config).toMatchObject({
      HTTP_PORT: 3003,
      DATABASE_SCHEMA: 'telemetry',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      TELEMETRY_CONSUMER_GROUP: 'telemetry',
      TELEMETRY_RETENTION_DAYS: 30,
      TELEMETRY_RETENTION_INTERVAL_MS: 600_000,
      TELEMETRY_PARTITIONS_CONCURRENTLY: 6,
      TELEMETRY_SSE_HEARTBEAT_MS: 15_000,
      TELEMETRY_SSE_RETRY_MS: 5_000,
      TELEMETRY_SSE_MAX_BUFFERED_BYTES: 1_048_576,
      TELEMETRY_STREAM_TICKET_TTL_MS: 60_000,
      API_TOKENS: [],
      ADMIN_API_TOKENS: [],
      AUTH_DISABLED: false,
    });
  });

  it('reads what an operator sets', () => {
    const config = loadConfig(telemetryConfigSchema, {
      TELEMETRY_RETENTION_DAYS: '0.5',
      TELEMETRY_RETENTION_INTERVAL_MS: '60000',
      TELEMETRY_CONSUMER_GROUP: 'telemetry-eu',
      TELEMETRY_PARTITIONS_CONCURRENTLY: '12',
      TELEMETRY_SSE_MAX_BUFFERED_BYTES: '262144',
      TELEMETRY_STREAM_TICKET_TTL_MS: '30000',
      API_TOKENS: 'org-a:token-a-0123456789ab, org-b:token-b-0123456789ab',
      ADMIN_API_TOKENS: 'admin-token-0123456789',
    });
    expect(config).toMatchObject({
      TELEMETRY_SSE_MAX_BUFFERED_BYTES: 262_144,
      TELEMETRY_STREAM_TICKET_TTL_MS: 30_000,
      TELEMETRY_PARTITIONS_CONCURRENTLY: 12,
      TELEMETRY_RETENTION_DAYS: 0.5,
      TELEMETRY_RETENTION_INTERVAL_MS: 60_000,
      TELEMETRY_CONSUMER_GROUP: 'telemetry-eu',
      API_TOKENS: [
        { organizationId: 'org-a', token: 'token-a-0123456789ab' },
        { organizationId: 'org-b', token: 'token-b-0123456789ab' },
      ],
      ADMIN_API_TOKENS: ['admin-token-0123456789'],
    });
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadConfig(telemetryConfigSchema, {
        TELEMETRY_RETENTION_DAYS: '0',
        TELEMETRY_RETENTION_INTERVAL_MS: 'often',
        DATABASE_SCHEMA: 'Telemetry; DROP',
        TELEMETRY_SSE_MAX_BUFFERED_BYTES: '1000',
        TELEMETRY_STREAM_TICKET_TTL_MS: '86400000',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'DATABASE_SCHEMA',
      'TELEMETRY_RETENTION_DAYS',
      'TELEMETRY_RETENTION_INTERVAL_MS',
      'TELEMETRY_SSE_MAX_BUFFERED_BYTES',
      'TELEMETRY_STREAM_TICKET_TTL_MS',
    ]);
  });

  it('refuses AUTH_DISABLED unless NODE_ENV=development is set explicitly', () => {
    for (const env of [{}, { NODE_ENV: 'production' }, { NODE_ENV: 'test' }]) {
      expect(() => loadConfig(telemetryConfigSchema, { ...env, AUTH_DISABLED: 'true' })).toThrow(
        /AUTH_DISABLED: may be true only when NODE_ENV=development is set explicitly/,
      );
    }
    expect(
      loadConfig(telemetryConfigSchema, { NODE_ENV: 'development', AUTH_DISABLED: 'true' })
        .AUTH_DISABLED,
    ).toBe(true);
  });

  it('refuses tokens without an organization, short ones and one token given twice', () => {
    expect(() => loadConfig(telemetryConfigSchema, { API_TOKENS: 'token-a-0123456789ab' })).toThrow(
      /API_TOKENS: entry 1: each entry must be <organization id>:<token>/,
    );
    expect(() => loadConfig(telemetryConfigSchema, { API_TOKENS: 'org-a:short' })).toThrow(
      /API_TOKENS: entry 1: organization org-a: a token must be at least 16 characters/,
    );
    expect(() => loadConfig(telemetryConfigSchema, { ADMIN_API_TOKENS: 'short' })).toThrow(
      /ADMIN_API_TOKENS: entry 1/,
    );
    expect(() =>
      loadConfig(telemetryConfigSchema, {
        API_TOKENS: 'org-a:token-a-0123456789ab,org-b:token-a-0123456789ab',
      }),
    ).toThrow(/API_TOKENS: a token is given twice/);
    expect(() =>
      loadConfig(telemetryConfigSchema, {
        API_TOKENS: 'org-a:token-a-0123456789ab',
        ADMIN_API_TOKENS: 'token-a-0123456789ab',
      }),
    ).toThrow(/API_TOKENS: a token is given twice/);
  });
});
