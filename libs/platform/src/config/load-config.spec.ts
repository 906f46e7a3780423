import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config';
import { brokerList, commonEnv, infraEnv, port, url } from './env-fields';

const schema = z.object({
  HTTP_PORT: port(3000),
  ...commonEnv,
  ...infraEnv,
});

describe('loadConfig', () => {
  it('defaults every variable to local services', () => {
    const config = loadConfig(schema, {});
    expect(config.HTTP_PORT).toBe(3000);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.DATABASE_URL).toMatch(/^postgres:\/\/.+@127\.0\.0\.1:5432\//);
    expect(config.MQTT_URL).toBe('mqtt://127.0.0.1:1883');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('parses the values an operator sets', () => {
    const config = loadConfig(schema, {
      HTTP_PORT: '8080',
      KAFKA_BROKERS: 'kafka-0:9092, kafka-1:9092',
      LOG_LEVEL: 'debug',
    });
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.KAFKA_BROKERS).toEqual(['kafka-0:9092', 'kafka-1:9092']);
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it('fails naming every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig(schema, {
        HTTP_PORT: 'eighty',
        REDIS_URL: 'http://localhost',
        KAFKA_BROKERS: 'no-port',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['HTTP_PORT', 'KAFKA_BROKERS', 'LOG_LEVEL', 'REDIS_URL']);
    expect((error as ConfigError).message).toContain(
      'REDIS_URL: must be a URL starting with redis://',
    );
  });

  it('rejects ports out of range and garbage URLs', () => {
    expect(() => loadConfig(z.object({ P: port(1) }), { P: '70000' })).toThrow(
      /P: must be 0..65535/,
    );
    expect(() =>
      loadConfig(z.object({ U: url('redis://x', ['redis']) }), { U: 'not a url' }),
    ).toThrow(/U: must be a URL/);
    expect(() => loadConfig(z.object({ B: brokerList('a:1') }), { B: ' , ' })).toThrow(
      /B: must be/,
    );
  });
});
