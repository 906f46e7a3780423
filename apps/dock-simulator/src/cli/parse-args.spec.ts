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
});
