import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '@dock/platform';
import { gatewayConfigSchema } from './gateway.config';
import { dockConfigSettings } from './gateway-parts';

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

describe('gateway config: the dock licence and NTP settings', () => {
  it('leaves the licence unset by default and the NTP port at 123', () => {
    const config = gatewayConfigSchema.parse({});
    expect(dockConfigSettings(config)).toEqual({ ntpServerPort: 123 });
  });

  it('reads the licence triple and the NTP server', () => {
    const config = gatewayConfigSchema.parse({
      DJI_APP_ID: '123456',
      DJI_APP_KEY: 'key',
      DJI_APP_LICENSE: 'licence',
      NTP_SERVER_HOST: 'ntp.example.net',
      NTP_SERVER_PORT: '1123',
    });
    expect(dockConfigSettings(config)).toEqual({
      appId: '123456',
      appKey: 'key',
      appLicense: 'licence',
      ntpServerHost: 'ntp.example.net',
      ntpServerPort: 1123,
    });
  });

  it('takes an empty value as unset (an .env line without a value)', () => {
    const config = gatewayConfigSchema.parse({ DJI_APP_KEY: '', NTP_SERVER_HOST: '' });
    expect(dockConfigSettings(config)).toEqual({ ntpServerPort: 123 });
  });

  it('refuses a port that is not one, naming the variable', () => {
    const result = gatewayConfigSchema.safeParse({ NTP_SERVER_PORT: '0' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['NTP_SERVER_PORT']);
  });
});
