import { InProcessPilotBootstrap } from './in-process-bootstrap';
import { bootstrapProblems, PilotBootstrap, pilotMqttHost } from './pilot-bootstrap';

const valid: PilotBootstrap = {
  license: { appId: '151234', appKey: 'k', license: 'l' },
  mqtt: { host: 'tcp://192.0.2.7:1883', username: 'u', password: 'p' },
  api: { host: 'https://cloud.example.com', token: 't' },
  organization: { id: '00000000-0000-4000-8000-000000000001', name: 'Site North' },
};

describe('bootstrapProblems', () => {
  it('accepts what Pilot can use, including an anonymous broker and ws://', () => {
    expect(bootstrapProblems(valid)).toEqual([]);
    expect(
      bootstrapProblems({
        ...valid,
        mqtt: { host: 'ws://broker.example.com:8083/mqtt', username: '', password: '' },
      }),
    ).toEqual([]);
  });

  it('names each unusable field and never its value', () => {
    const problems = bootstrapProblems({
      license: { appId: '', appKey: 'k', license: 'secret-licence' },
      mqtt: { host: 'mqtts://broker:8883', username: 'u', password: 'p' },
      api: { host: 'ftp://x', token: 't' },
      organization: { id: 'org-1', name: 'n' },
    });
    expect(problems).toEqual([
      'license.appId must be a non-empty string',
      'mqtt.host must be tcp://host:port or ws://host:port[/path] (what Pilot accepts)',
      'api.host must be an http:// or https:// URL',
      'organization.id must be a UUID (Pilot takes it as the workspace id)',
    ]);
    expect(problems.join()).not.toContain('secret-licence');
  });
});

describe('pilotMqttHost', () => {
  it('turns the services broker URL into what Pilot takes', () => {
    expect(pilotMqttHost('mqtt://192.0.2.7:1883')).toBe('tcp://192.0.2.7:1883');
    expect(pilotMqttHost('mqtt://broker.example.com')).toBe('tcp://broker.example.com:1883');
    expect(pilotMqttHost('mqtt://user:pw@192.0.2.7:1884')).toBe('tcp://192.0.2.7:1884');
    expect(pilotMqttHost('ws://192.0.2.7:8083/mqtt')).toBe('ws://192.0.2.7:8083/mqtt');
  });

  it('refuses what Pilot cannot connect to, without repeating a password', () => {
    expect(() => pilotMqttHost('mqtts://broker:8883')).toThrow(/only with tcp:\/\/ or ws:\/\//);
    expect(() => pilotMqttHost('not a url pw=secret')).toThrow(/not a URL/);
    expect(() => pilotMqttHost('not a url pw=secret')).not.toThrow(/secret/);
  });
});

describe('InProcessPilotBootstrap', () => {
  it("gives the configured values, with the caller's token when none is configured", async () => {
    const { api, ...rest } = valid;
    const source = new InProcessPilotBootstrap({ ...rest, api: { host: api.host } });
    await expect(
      source.bootstrapFor({ token: 'callers-token', organizationId: valid.organization.id }),
    ).resolves.toEqual({
      ...valid,
      api: { host: api.host, token: 'callers-token' },
    });
    const fixed = new InProcessPilotBootstrap(valid);
    await expect(
      fixed.bootstrapFor({ token: 'other', organizationId: valid.organization.id }),
    ).resolves.toEqual(valid);
  });

  it('refuses unusable settings when built', () => {
    expect(
      () =>
        new InProcessPilotBootstrap({ ...valid, mqtt: { ...valid.mqtt, host: 'mqtt://x:1883' } }),
    ).toThrow('Pilot access page settings: mqtt.host must be tcp://host:port');
  });
});
