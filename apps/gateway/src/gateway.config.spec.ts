import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '@dock/platform';
import { gatewayConfigSchema } from './gateway.config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(gatewayConfigSchema, env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
  }
}

describe('gateway settings: MQTT over TLS', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gateway-config-'));
    writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a CA file with an mqtts:// URL', () => {
    const config = loadConfig(gatewayConfigSchema, {
      MQTT_URL: 'mqtts://emqx:8883',
      MQTT_CA_FILE: path.join(dir, 'ca.pem'),
    });
    expect(config).toMatchObject({
      MQTT_CA_FILE: path.join(dir, 'ca.pem'),
      MQTT_REJECT_UNAUTHORIZED: true,
    });
  });

  it('refuses a partial client certificate and a missing file at start, naming them', () => {
    const missing = path.join(dir, 'missing.pem');
    expect(
      problems({
        MQTT_URL: 'mqtts://emqx:8883',
        MQTT_CA_FILE: missing,
        MQTT_KEY_FILE: path.join(dir, 'ca.pem'),
      }),
    ).toEqual([
      expect.stringMatching(/^MQTT_CERT_FILE: is required with MQTT_KEY_FILE/),
      `MQTT_CA_FILE: cannot read ${missing} (ENOENT)`,
      expect.stringMatching(/^MQTT_KEY_FILE: .* holds no PEM private key/),
    ]);
  });

  it('refuses a CA file with a plain mqtt:// URL', () => {
    expect(problems({ MQTT_CA_FILE: path.join(dir, 'ca.pem') })).toEqual([
      'MQTT_CA_FILE: needs an mqtts:// or wss:// MQTT_URL',
    ]);
  });
});
