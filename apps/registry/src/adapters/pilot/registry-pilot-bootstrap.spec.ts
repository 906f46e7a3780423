import { PilotBootstrapRefused, PilotBootstrapUnavailable } from '@dock/pilot-h5';
import type { Organization } from '../../domain/organization';
import { missingPilotSettings, RegistryPilotBootstrap } from './registry-pilot-bootstrap';

const ORG: Organization = {
  id: '00000000-0000-4000-8000-0000000000aa',
  name: 'Site East',
  createdAt: 0,
  updatedAt: 0,
};

const settings = {
  DJI_APP_ID: '151234',
  DJI_APP_KEY: 'key-value',
  DJI_APP_LICENSE: 'licence-value',
  PILOT_MQTT_URL: 'ws://192.0.2.1:8083/mqtt',
  PUBLIC_API_URL: 'https://cloud.example.com/',
};

const lookup = async (id: string) => (id === ORG.id ? ORG : undefined);

describe('RegistryPilotBootstrap', () => {
  it('names every missing setting, never a value', async () => {
    expect(missingPilotSettings({})).toEqual([
      'DJI_APP_ID',
      'DJI_APP_KEY',
      'DJI_APP_LICENSE',
      'PILOT_MQTT_URL',
      'PUBLIC_API_URL',
    ]);
    const source = new RegistryPilotBootstrap({
      ...settings,
      DJI_APP_KEY: undefined,
      PUBLIC_API_URL: '',
    });
    source.bindOrganizations(lookup);
    const error = await source.bootstrapFor({ token: 't', organizationId: ORG.id }).catch((e) => e);
    expect(error).toBeInstanceOf(PilotBootstrapUnavailable);
    expect(error.code).toBe('pilot_settings_missing');
    expect(error.message).toMatch(/set DJI_APP_KEY, PUBLIC_API_URL on the registry/);
    expect(error.message).not.toContain('licence-value');
  });

  it('hands the caller its own token and anonymous credentials when none are set', async () => {
    const source = new RegistryPilotBootstrap(settings);
    source.bindOrganizations(lookup);
    await expect(
      source.bootstrapFor({ token: 'callers', organizationId: ORG.id }),
    ).resolves.toEqual({
      license: { appId: '151234', appKey: 'key-value', license: 'licence-value' },
      mqtt: { host: 'ws://192.0.2.1:8083/mqtt', username: '', password: '' },
      api: { host: 'https://cloud.example.com', token: 'callers' },
      organization: { id: ORG.id, name: 'Site East' },
    });
  });

  it('refuses an organization the store does not have', async () => {
    const source = new RegistryPilotBootstrap(settings);
    source.bindOrganizations(lookup);
    await expect(
      source.bootstrapFor({ token: 't', organizationId: '00000000-0000-4000-8000-0000000000bb' }),
    ).rejects.toBeInstanceOf(PilotBootstrapRefused);
  });

  it('is unavailable (not failing) before its lookup is bound', async () => {
    const source = new RegistryPilotBootstrap(settings);
    await expect(
      source.bootstrapFor({ token: 't', organizationId: ORG.id }),
    ).rejects.toBeInstanceOf(PilotBootstrapUnavailable);
  });
});
