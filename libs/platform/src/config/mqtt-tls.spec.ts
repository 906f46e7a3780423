import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { infraEnv } from './env-fields';
import { ConfigError, loadConfig } from './load-config';
import { describeMqttTls, mqttTls, mqttTlsEnv, mqttTlsHint, refineMqttTls } from './mqtt-tls';

/** A schema as an app builds one: the broker URL plus the TLS fields and the refinement. */
const schema = z.object({ MQTT_URL: infraEnv.MQTT_URL, ...mqttTlsEnv }).superRefine(refineMqttTls);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(schema, env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
}

// Shapes only: validation looks for the PEM markers, it does not parse keys.
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY_BODY = 'MIIEvQ-not-a-real-key';
const KEY = `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`;

describe('MQTT TLS settings', () => {
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mqtt-tls-'));
    writeFileSync(file('ca.pem'), CERT);
    writeFileSync(file('client.pem'), CERT);
    writeFileSync(file('client.key'), KEY);
    writeFileSync(file('rsa.key'), KEY.replace(/PRIVATE KEY/g, 'RSA PRIVATE KEY'));
    writeFileSync(file('enc.key'), KEY.replace(/PRIVATE KEY/g, 'ENCRYPTED PRIVATE KEY'));
    writeFileSync(file('not.pem'), 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a plain connection by default', () => {
    const config = loadConfig(schema, {});
    expect(config.MQTT_REJECT_UNAUTHORIZED).toBe(true);
    expect(mqttTls(config)).toBeUndefined();
    expect(describeMqttTls(mqttTls(config))).toBe('plain');
  });

  it("uses Node's trust store for mqtts:// without a CA file", () => {
    const config = loadConfig(schema, { MQTT_URL: 'mqtts://broker:8883' });
    expect(mqttTls(config)).toEqual({ rejectUnauthorized: true });
    expect(describeMqttTls(mqttTls(config))).toBe('TLS');
  });

  it('reads the CA, client certificate and key for MQTT.js', () => {
    const config = loadConfig(schema, {
      MQTT_URL: 'wss://broker:8084/mqtt',
      MQTT_CA_FILE: file('ca.pem'),
      MQTT_CERT_FILE: file('client.pem'),
      MQTT_KEY_FILE: file('rsa.key'),
    });
    const tls = mqttTls(config);
    expect(tls).toEqual({
      ca: CERT,
      cert: CERT,
      key: expect.stringContaining('BEGIN RSA PRIVATE KEY'),
      rejectUnauthorized: true,
    });
    expect(describeMqttTls(tls)).toBe('TLS (own CA), client certificate');
    expect(describeMqttTls(tls)).not.toContain(KEY_BODY);
  });

  it('says when the broker certificate is not verified', () => {
    const config = loadConfig(schema, {
      MQTT_URL: 'mqtts://broker:8883',
      MQTT_REJECT_UNAUTHORIZED: 'false',
    });
    expect(describeMqttTls(mqttTls(config))).toBe('TLS, broker certificate NOT verified');
  });

  it('refuses a client certificate without its key, and a key without its certificate', () => {
    const url = 'mqtts://broker:8883';
    expect(problems({ MQTT_URL: url, MQTT_CERT_FILE: file('client.pem') })).toEqual([
      'MQTT_KEY_FILE: is required with MQTT_CERT_FILE: a client certificate needs MQTT_CERT_FILE and MQTT_KEY_FILE',
    ]);
    expect(problems({ MQTT_URL: url, MQTT_KEY_FILE: file('client.key') })).toEqual([
      'MQTT_CERT_FILE: is required with MQTT_KEY_FILE: a client certificate needs MQTT_CERT_FILE and MQTT_KEY_FILE',
    ]);
  });

  it('refuses TLS settings with a plain URL rather than ignoring them', () => {
    expect(
      problems({
        MQTT_URL: 'mqtt://broker:1883',
        MQTT_CA_FILE: file('ca.pem'),
        MQTT_REJECT_UNAUTHORIZED: 'false',
      }),
    ).toEqual([
      'MQTT_CA_FILE: needs an mqtts:// or wss:// MQTT_URL',
      'MQTT_REJECT_UNAUTHORIZED: needs an mqtts:// or wss:// MQTT_URL',
    ]);
  });

  it('refuses files it cannot read or that hold something else, naming the variable', () => {
    const missing = file('missing.pem');
    expect(
      problems({
        MQTT_URL: 'mqtts://broker:8883',
        MQTT_CA_FILE: missing,
        MQTT_CERT_FILE: file('not.pem'),
        MQTT_KEY_FILE: file('enc.key'),
      }),
    ).toEqual([
      `MQTT_CA_FILE: cannot read ${missing} (ENOENT)`,
      `MQTT_CERT_FILE: ${file('not.pem')} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      `MQTT_KEY_FILE: ${file('enc.key')} holds an encrypted private key; give it unencrypted`,
    ]);
    expect(
      problems({
        MQTT_URL: 'mqtts://broker:8883',
        MQTT_CERT_FILE: file('client.pem'),
        MQTT_KEY_FILE: file('ca.pem'),
      }),
    ).toEqual([
      `MQTT_KEY_FILE: ${file('ca.pem')} holds no PEM private key (-----BEGIN PRIVATE KEY-----)`,
    ]);
  });

  it('names the variable when a file is gone by the time the connection is built', () => {
    const config = loadConfig(schema, {
      MQTT_URL: 'mqtts://broker:8883',
      MQTT_CA_FILE: file('ca.pem'),
    });
    expect(() => mqttTls({ ...config, MQTT_CA_FILE: file('gone.pem') })).toThrow(
      /MQTT_CA_FILE: cannot read .*gone\.pem \(ENOENT\)/,
    );
  });

  it('tells what to check after a TLS error, and nothing for other errors', () => {
    const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expect(mqttTlsHint(untrusted)).toMatch(/not trusted .*MQTT_CA_FILE/);
    const refused = Object.assign(new Error('tlsv13 alert certificate required'), {
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    expect(mqttTlsHint(refused)).toMatch(/refused the TLS handshake .*MQTT_CERT_FILE/);
    expect(mqttTlsHint(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });
});
