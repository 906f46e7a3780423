import { Writable } from 'node:stream';
import { createLogger, messageLogger } from './create-logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('writes JSON lines with the service, level label and ISO time', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'gateway', destination }).info('started');
    expect(lines[0]).toMatchObject({ service: 'gateway', level: 'info', msg: 'started' });
    expect(String(lines[0].time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('redacts secrets wherever a dock or an operator puts them', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'gateway', destination }).info(
      {
        password: 'p',
        headers: { authorization: 'Bearer abc' },
        payload: { data: { device_secret: 's', sub_devices: [{ sn: 'x', device_secret: 's2' }] } },
      },
      'topo',
    );
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('Bearer abc');
    expect(line).not.toContain('"s"');
    expect(line).not.toContain('s2');
    expect(line).toContain('[redacted]');
    expect(line).toContain('"sn":"x"');
  });

  it('redacts the Kafka SASL password in a config or in client options', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'mission', destination });
    logger.info({ KAFKA_SASL_PASSWORD: 'k1', KAFKA_SASL_USERNAME: 'dock' }, 'flat');
    logger.info({ config: { KAFKA_SASL_PASSWORD: 'k2' } }, 'config');
    logger.info({ sasl: { mechanism: 'plain', password: 'k3' } }, 'options');
    logger.info({ kafka: { sasl: { password: 'k4' } } }, 'nested');
    logger.info({ settings: { kafka: { sasl: { password: 'k5' } } } }, 'deeper');
    const text = JSON.stringify(lines);
    for (const secret of ['k1', 'k2', 'k3', 'k4', 'k5']) expect(text).not.toContain(`"${secret}"`);
    expect(text).toContain('"dock"');
  });

  it('redacts the DJI licence in the settings and in a config reply', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'gateway', destination });
    logger.info({ DJI_APP_KEY: 'key-1', DJI_APP_LICENSE: 'lic-1', DJI_APP_ID: '42' }, 'flat');
    logger.info({ config: { DJI_APP_KEY: 'key-2', DJI_APP_LICENSE: 'lic-2' } }, 'config');
    logger.info({ data: { app_id: '42', app_key: 'key-3', app_license: 'lic-3' } }, 'reply');
    logger.info({ envelope: { data: { app_key: 'key-4', app_license: 'lic-4' } } }, 'envelope');
    const text = JSON.stringify(lines);
    for (const secret of ['key-1', 'lic-1', 'key-2', 'lic-2', 'key-3', 'lic-3', 'key-4', 'lic-4']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"42"');
  });

  it('binds the dock SN, tid and bid of one message to every line about it', () => {
    const { lines, destination } = capture();
    const log = messageLogger(createLogger({ service: 'gateway', destination }), {
      dockSn: 'DOCK1',
      tid: 't-1',
      bid: 'b-1',
      method: 'flighttask_progress',
    });
    log.warn('late reply');
    expect(lines[0]).toMatchObject({
      dockSn: 'DOCK1',
      tid: 't-1',
      bid: 'b-1',
      method: 'flighttask_progress',
    });
  });
});

describe('serializeError', () => {
  it('keeps query parameters, and the values PostgreSQL quotes from them, out of error lines', () => {
    const { lines, destination } = capture();
    const link = 'https://files.example.com/downloads/w?expires=1&sig=abcdef0123456789';
    const error = Object.assign(new Error(`invalid input syntax for type uuid: "${link}"`), {
      query: 'SELECT $1::uuid',
      parameters: [link],
      driverError: { detail: `Key (url)=(${link}) already exists`, code: '22P02' },
    });
    createLogger({ service: 'file', destination }).error({ err: error }, 'query failed');
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('sig=abcdef');
    expect(line).toContain('SELECT $1::uuid');
    expect(line).toContain('22P02');
  });
});
