import { kafkaSecurityOptions } from './kafka-client';

describe('kafkaSecurityOptions', () => {
  it('leaves both out for a PLAINTEXT cluster', () => {
    expect(kafkaSecurityOptions({})).toEqual({});
  });

  it('maps TLS with a private CA and SASL credentials to kafkajs options', () => {
    expect(
      kafkaSecurityOptions({
        tls: { ca: '-----BEGIN CERTIFICATE-----', rejectUnauthorized: true },
        sasl: { mechanism: 'scram-sha-512', username: 'dock', password: 'secret' },
      }),
    ).toEqual({
      ssl: { ca: ['-----BEGIN CERTIFICATE-----'], rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'dock', password: 'secret' },
    });
  });

  it("keeps Node's trust store when no CA is given", () => {
    expect(kafkaSecurityOptions({ tls: { rejectUnauthorized: false } })).toEqual({
      ssl: { rejectUnauthorized: false },
    });
  });
});
