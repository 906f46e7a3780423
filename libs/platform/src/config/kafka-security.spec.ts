import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { infraEnv } from './env-fields';
import {
  describeKafkaSecurity,
  kafkaSecurity,
  kafkaSecuritySchema,
  refineKafkaSecurity,
} from './kafka-security';
import { ConfigError, loadConfig } from './load-config';

/** An app schema as the services build theirs: infra fields plus the refinement. */
const schema = z.object({ ...infraEnv }).superRefine(refineKafkaSecurity);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(schema, env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
}

describe('Kafka security settings', () => {
  let dir: string;
  let caFile: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kafka-security-'));
    caFile = path.join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to PLAINTEXT without SASL, and DATABASE_MIGRATIONS to run', () => {
    const config = loadConfig(schema, {});
    expect(config).toMatchObject({ KAFKA_SSL: false, KAFKA_SSL_REJECT_UNAUTHORIZED: true });
    expect(config.DATABASE_MIGRATIONS).toBe('run');
    expect(kafkaSecurity(config)).toEqual({});
    expect(describeKafkaSecurity(kafkaSecurity(config))).toBe('PLAINTEXT');
  });

  it('turns TLS with a CA file and SCRAM credentials into plain data for libs/kafka', () => {
    const config = loadConfig(schema, {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'dock-fleet',
      KAFKA_SASL_PASSWORD: 'very-secret',
    });
    const security = kafkaSecurity(config);
    expect(security).toEqual({
      tls: { ca: expect.stringContaining('BEGIN CERTIFICATE'), rejectUnauthorized: true },
      sasl: { mechanism: 'scram-sha-512', username: 'dock-fleet', password: 'very-secret' },
    });
    const summary = describeKafkaSecurity(security);
    expect(summary).toBe('TLS (own CA), SASL scram-sha-512 as dock-fleet');
    expect(summary).not.toContain('very-secret');
  });

  it('says when certificates are not verified', () => {
    const config = loadConfig(schema, { KAFKA_SSL: 'yes', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' });
    expect(describeKafkaSecurity(kafkaSecurity(config))).toBe('TLS (certificates NOT verified)');
  });

  it('refuses a SASL mechanism without username and password, naming them', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'plain' })).toEqual([
      expect.stringMatching(/^KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM/),
      expect.stringMatching(/^KAFKA_SASL_PASSWORD: is required with KAFKA_SASL_MECHANISM/),
    ]);
  });

  it('refuses credentials without a mechanism, naming it', () => {
    expect(problems({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual([
      'KAFKA_SASL_MECHANISM: is required with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: ' +
        'SASL needs KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD',
    ]);
  });

  it('refuses an unknown mechanism', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'gssapi' })[0]).toMatch(/^KAFKA_SASL_MECHANISM: /);
  });

  it('refuses TLS options without KAFKA_SSL=true rather than ignoring them', () => {
    expect(problems({ KAFKA_SSL_CA_FILE: caFile, KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' })).toEqual(
      [
        'KAFKA_SSL_CA_FILE: needs KAFKA_SSL=true',
        'KAFKA_SSL_REJECT_UNAUTHORIZED: needs KAFKA_SSL=true',
      ],
    );
  });

  it('refuses a CA file it cannot read, or one without a certificate', () => {
    const missing = path.join(dir, 'missing.pem');
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: missing })).toEqual([
      `KAFKA_SSL_CA_FILE: cannot read ${missing} (ENOENT)`,
    ]);
    const notPem = path.join(dir, 'not.pem');
    writeFileSync(notPem, 'hello');
    expect(problems({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: notPem })).toEqual([
      `KAFKA_SSL_CA_FILE: ${notPem} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    ]);
  });

  it('names the variable when the CA file is gone by the time the client is built', () => {
    const config = loadConfig(kafkaSecuritySchema, {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: caFile,
    });
    expect(() =>
      kafkaSecurity({ ...config, KAFKA_SSL_CA_FILE: path.join(dir, 'gone.pem') }),
    ).toThrow(/KAFKA_SSL_CA_FILE: cannot read .*gone\.pem \(ENOENT\)/);
  });

  it('never puts the password in a validation message', () => {
    const all = problems({
      KAFKA_SASL_PASSWORD: 'hunter2-secret',
      KAFKA_SASL_MECHANISM: 'nope',
    }).join('\n');
    expect(all).not.toContain('hunter2-secret');
  });

  it('treats settings a schema does not list yet as PLAINTEXT', () => {
    expect(kafkaSecurity({})).toEqual({});
  });

  it('refuses a DATABASE_MIGRATIONS value other than run or skip', () => {
    expect(problems({ DATABASE_MIGRATIONS: 'later' })[0]).toMatch(/^DATABASE_MIGRATIONS: /);
    expect(loadConfig(schema, { DATABASE_MIGRATIONS: 'skip' }).DATABASE_MIGRATIONS).toBe('skip');
  });
});
