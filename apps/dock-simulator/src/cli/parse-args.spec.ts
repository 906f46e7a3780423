import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCli } from './parse-args';

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parsed = parseCli(argv, env);
  if (parsed.kind !== 'run') throw new Error(`expected settings, got ${JSON.stringify(parsed)}`);
  return parsed.settings;
}

describe('parseCli', () => {
  it('has defaults that point at the local broker', () => {
    const settings = run([]);
    expect(settings.fleet).toMatchObject({
      docks: 1,
      snPrefix: 'SIMDOCK',
      mqtt: { url: 'mqtt://127.0.0.1:1883', protocolVersion: 5 },
    });
    expect(settings).toMatchObject({ durationS: null, untilIdle: false, strict: false });
  });

  it('reads every behaviour option', () => {
    const settings = run([
      '--docks=1000',
      '--sn-prefix=E2E-',
      '--mqtt-url=mqtts://broker:8883',
      '--mqtt-version=3.1.1',
      '--osd-interval-ms=500',
      '--progress-interval-ms=200',
      '--speed=20',
      '--waypoints=4',
      '--battery=40',
      '--reply-code=flighttask_execute=319016',
      '--reply-code=flighttask_prepare=319001x2',
      '--reply-latency=flighttask_prepare=1500',
      '--never-reply=return_home',
      '--quirks',
      '--exit-homing-trigger=after-ms=5000,reason=3,hold-ms=1000',
      '--exit-homing-trigger=after-ms=9000',
      '--offline-after-ms=4000',
      '--reconnect-after-ms=2000',
      '--duration-s=60',
      '--until-idle',
      '--report-json=/tmp/report.json',
      '--strict',
    ]);
    expect(settings.fleet).toMatchObject({
      docks: 1000,
      snPrefix: 'E2E-',
      mqtt: { url: 'mqtts://broker:8883', protocolVersion: 4 },
      behaviour: {
        osdIntervalMs: 500,
        progressIntervalMs: 200,
        speed: 20,
        waypoints: 4,
        battery: 40,
        replyCodes: {
          flighttask_execute: { code: 319016 },
          flighttask_prepare: { code: 319001, times: 2 },
        },
        replyLatencyMs: { flighttask_prepare: 1500 },
        neverReply: ['return_home'],
        quirks: true,
        exitHomingTriggers: [
          { afterMs: 5000, reason: 3, holdMs: 1000 },
          { afterMs: 9000, reason: 0, holdMs: 3000 },
        ],
        offline: { afterMs: 4000, reconnectAfterMs: 2000 },
      },
    });
    expect(settings).toMatchObject({
      durationS: 60,
      untilIdle: true,
      reportJson: '/tmp/report.json',
      strict: true,
    });
  });

  it('takes the broker and its credentials from the environment too', () => {
    const settings = run([], {
      MQTT_URL: 'mqtt://gw-broker:1883',
      MQTT_USERNAME: 'u',
      MQTT_PASSWORD: 'p',
    });
    expect(settings.fleet.mqtt).toMatchObject({
      url: 'mqtt://gw-broker:1883',
      username: 'u',
      password: 'p',
    });
  });

  it.each([
    [['--docks=0'], '--docks'],
    [['--speed=-1'], '--speed'],
    [['--reply-code=flighttask_execute'], '--reply-code'],
    [['--exit-homing-trigger=reason=1'], 'after-ms'],
    [['--mqtt-version=4'], '--mqtt-version'],
    [['--sn-prefix=a/b'], '--sn-prefix'],
    [['--bogus'], 'bogus'],
  ])('refuses %j with a message naming the option', (argv, named) => {
    const parsed = parseCli(argv);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toContain(named);
  });

  it('answers --help', () => {
    expect(parseCli(['--help'])).toEqual({ kind: 'help' });
  });

  describe('TLS towards the broker', () => {
    let dir: string;
    const file = (name: string) => path.join(dir, name);
    const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'sim-tls-'));
      writeFileSync(file('ca.pem'), CERT);
      writeFileSync(file('dock.pem'), CERT);
      writeFileSync(file('dock.key'), KEY);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads the CA (and a client certificate) for an mqtts:// broker', () => {
      expect(
        run(['--mqtt-url=mqtts://emqx:8883', `--mqtt-ca=${file('ca.pem')}`]).fleet.mqtt,
      ).toEqual({ url: 'mqtts://emqx:8883', protocolVersion: 5, tls: { ca: CERT } });
      const settings = run([], {
        MQTT_URL: 'mqtts://emqx:8883',
        MQTT_CERT_FILE: file('dock.pem'),
        MQTT_KEY_FILE: file('dock.key'),
      });
      expect(settings.fleet.mqtt.tls).toEqual({ cert: CERT, key: KEY });
    });

    it.each([
      [['--mqtt-ca=/x.pem'], '--mqtt-ca needs an mqtts:// or wss:// --mqtt-url'],
      [['--mqtt-url=mqtts://b:8883', '--mqtt-cert=/x.pem'], '--mqtt-cert and --mqtt-key go'],
      [['--mqtt-url=mqtts://b:8883', '--mqtt-ca=/nope.pem'], '--mqtt-ca: cannot read /nope.pem'],
    ])('refuses %j', (argv, message) => {
      const parsed = parseCli(argv);
      expect(parsed).toEqual({ kind: 'error', message: expect.stringContaining(message) });
    });
  });

  describe('onboarding options', () => {
    const files: Record<string, string> = {
      'creds.json': JSON.stringify({
        organization: { id: 'org-9', name: 'North', binding_code: 'CODE-9' },
        api: { url: 'http://127.0.0.1:3000', token: 't' },
        mqtt: { url: 'mqtt://10.0.0.2:1883', username: 'dock', password: 'pw' },
      }),
      'partial.json': JSON.stringify({ mqtt: { username: 'dock' } }),
      'broken.json': '{',
      'wrong.json': JSON.stringify({ organization: { id: 7 } }),
    };
    const readText = (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error('ENOENT');
      return text;
    };
    const withFiles = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const parsed = parseCli(argv, env, readText);
      if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
      return parsed.settings.fleet;
    };

    it('reads the expected licence, the organization to join and the silence', () => {
      const fleet = withFiles([
        '--app-id=1',
        '--app-key=k',
        '--app-license=l',
        '--organization-id=org-1',
        '--binding-code=C1',
        '--silent-after=30',
        '--silent-for=60',
        '--licence-retry-s=5',
      ]);
      expect(fleet.behaviour).toMatchObject({
        expectedLicence: { app_id: '1', app_key: 'k', app_license: 'l' },
        organization: { id: 'org-1', bindingCode: 'C1' },
        silence: { afterMs: 30_000, forMs: 60_000 },
        licenceRetryMs: 5_000,
      });
    });

    it('takes the licence from the gateway variables, and checks nothing when unset', () => {
      expect(
        withFiles([], { DJI_APP_ID: 'a', DJI_APP_KEY: 'k' }).behaviour?.expectedLicence,
      ).toEqual({
        app_id: 'a',
        app_key: 'k',
      });
      expect(withFiles([]).behaviour?.expectedLicence).toEqual({});
      expect(withFiles(['--silent-after=5']).behaviour?.silence).toEqual({ afterMs: 5_000 });
    });

    it('takes organization and MQTT credentials from --credentials; options win', () => {
      const fleet = withFiles(['--credentials=creds.json', '--username=other']);
      expect(fleet.behaviour?.organization).toEqual({ id: 'org-9', bindingCode: 'CODE-9' });
      expect(fleet.mqtt).toMatchObject({
        url: 'mqtt://10.0.0.2:1883',
        username: 'other',
        password: 'pw',
      });
      const partial = withFiles(['--credentials=partial.json'], { MQTT_PASSWORD: 'env' });
      expect(partial.mqtt).toMatchObject({ username: 'dock', password: 'env' });
      expect(partial.behaviour?.organization).toBeUndefined();
    });

    it.each([
      [['--credentials=missing.json'], 'cannot read missing.json'],
      [['--credentials=broken.json'], 'not JSON'],
      [['--credentials=wrong.json'], 'organization.id'],
      [['--organization-id=org-1'], '--binding-code'],
      [['--silent-for=5'], '--silent-after'],
      [['--silent-after=soon'], '--silent-after'],
    ])('refuses %j, naming the problem', (argv, named) => {
      const parsed = parseCli(argv, {}, readText);
      expect(parsed).toEqual({ kind: 'error', message: expect.stringContaining(named) });
    });
  });
});
