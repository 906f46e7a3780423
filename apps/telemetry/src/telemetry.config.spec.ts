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
      API_TOKENS: 'a, b',
    });
    expect(config).toMatchObject({
      TELEMETRY_SSE_MAX_BUFFERED_BYTES: 262_144,
      TELEMETRY_STREAM_TICKET_TTL_MS: 30_000,
      TELEMETRY_PARTITIONS_CONCURRENTLY: 12,
      TELEMETRY_RETENTION_DAYS: 0.5,
      TELEMETRY_RETENTION_INTERVAL_MS: 60_000,
      TELEMETRY_CONSUMER_GROUP: 'telemetry-eu',
      API_TOKENS: ['a', 'b'],
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

  it('refuses to run unauthenticated in production', () => {
    expect(() =>
      loadConfig(telemetryConfigSchema, { NODE_ENV: 'production', AUTH_DISABLED: 'true' }),
    ).toThrow(/AUTH_DISABLED: must not be true when NODE_ENV=production/);
  });
});
