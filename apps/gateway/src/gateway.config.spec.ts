import { gatewayConfigSchema } from './gateway.config';
import { dockConfigSettings } from './gateway-runtime';

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
