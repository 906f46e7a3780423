import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import mqtt, { MqttClient } from 'mqtt';
import {
  buildEventsReply,
  buildRequestsReply,
  buildServiceCommand,
  buildStatusReply,
  AirportOrganizationBindData,
  AirportOrganizationGetData,
  ConfigReplyData,
  normaliseUplink,
  NormalisedMessage,
  RequestsReplyData,
  ServiceDataMap,
  ServiceMethod,
} from '@dock/protocol';
import { eventually } from '../../../test/support/eventually';
import { infraSettings, uniqueName } from '../../../test/support/infra-settings';
import { createSimulatedDock, Fleet, SimulatedDock, startFleet } from './index';

/**
 * The simulator against the real Mosquitto, with this test acting as the cloud: it answers
 * update_topo, events and resource requests with the protocol library's builders, serves the
 * KMZ over HTTP, and sends commands.
 */

const KMZ = Buffer.from('PK\u0003\u0004 a tiny stand-in for a wayline KMZ');
const KMZ_MD5 = createHash('md5').update(KMZ).digest('hex');
const FAST = { speed: 200, progressIntervalMs: 100, osdIntervalMs: 300, waypoints: 3 };
/** This run's licence, as a gateway's DJI_APP_* settings (random: never a constant secret). */
const LICENCE: ConfigReplyData = {
  ntp_server_host: 'ntp.test',
  ntp_server_port: 123,
  app_id: randomBytes(4).toString('hex'),
  app_key: randomBytes(16).toString('hex'),
  app_license: randomBytes(32).toString('base64'),
};
const ORGANIZATION = {
  id: 'org-sim',
  name: 'Simulated North',
  bindingCode: randomBytes(4).toString('hex'),
};

/** A minimal cloud: records every uplink message and answers what it is told to. */
class Cloud {
  readonly received: NormalisedMessage[] = [];
  /** flight id -> what requests_reply hands out */
  readonly files = new Map<string, { url: string; fingerprint: string }>();
  /** Docks whose events this cloud leaves unanswered (to see them counted missing). */
  readonly silentFor = new Set<string>();
  /** Docks this cloud answers config without a licence (a gateway without DJI_APP_*). */
  readonly unlicensed = new Set<string>();
  /** Docks bound to ORGANIZATION (this cloud plays the registry too). */
  readonly bound = new Set<string>();
  private tid = 0;

  private constructor(
    readonly client: MqttClient,
    private readonly prefix: string,
  ) {
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  static async connect(prefix: string): Promise<Cloud> {
    const client = await mqtt.connectAsync(infraSettings.mqttUrl, {
      clientId: uniqueName('sim-cloud'),
      protocolVersion: 5,
    });
    const cloud = new Cloud(client, prefix);
    await client.subscribeAsync(
      [
        'sys/product/+/status',
        'thing/product/+/events',
        'thing/product/+/services_reply',
        'thing/product/+/requests',
        'thing/product/+/osd',
      ],
      { qos: 1 },
    );
    return cloud;
  }

  async send<M extends ServiceMethod>(sn: string, method: M, data: ServiceDataMap[M]) {
    const tid = `cloud-${++this.tid}`;
    const built = buildServiceCommand({
      gatewaySn: sn,
      tid,
      bid: `b-${tid}`,
      timestamp: Date.now(),
      method,
      data,
    });
    if (!built.ok) throw new Error(built.error.message);
    await this.client.publishAsync(built.message.topic, built.message.payload, { qos: 1 });
    return tid;
  }

  of(sn: string, family: string, method?: string): NormalisedMessage[] {
    return this.received.filter(
      (m) =>
        m.gatewaySn === sn && m.family === family && (method === undefined || m.method === method),
    );
  }

  statuses(sn: string): string[] {
    return this.of(sn, 'events', 'flighttask_progress').map(
      (m) => (m.data as { output: { status: string } }).output.status,
    );
  }

  private onMessage(topic: string, payload: Buffer): void {
    const result = normaliseUplink(topic, payload);
    if (!result.ok)
      throw new Error(`the simulator sent an invalid message on ${topic}: ${result.error.message}`);
    const m = result.message;
    if (!m.gatewaySn.startsWith(this.prefix)) return;
    this.received.push(m);
    const now = Date.now();
    let reply;
    if (m.family === 'status') reply = buildStatusReply(m, now);
    else if (m.family === 'events' && m.needReply && !this.silentFor.has(m.gatewaySn)) {
      reply = buildEventsReply(m, now);
    } else if (m.family === 'requests') {
      reply = buildRequestsReply(m, now, this.answer(m));
    }
    if (reply === undefined) return;
    if (!reply.ok) throw new Error(reply.error.message);
    void this.client.publishAsync(reply.message.topic, reply.message.payload, { qos: 1 });
  }

  /** Plays the gateway (config), the file service (the KMZ) and the registry (binding). */
  private answer(m: NormalisedMessage): RequestsReplyData {
    switch (m.method) {
      case 'config':
        return this.unlicensed.has(m.gatewaySn)
          ? { ...LICENCE, app_id: '', app_key: '', app_license: '' }
          : LICENCE;
      case 'airport_bind_status': {
        const devices = (m.data as { devices: { sn: string }[] }).devices;
        const bound = this.bound.has(m.gatewaySn);
        return {
          result: 0,
          output: {
            bind_status: devices.map(({ sn }) => ({
              sn,
              is_device_bind_organization: bound,
              organization_id: bound ? ORGANIZATION.id : '',
              organization_name: bound ? ORGANIZATION.name : '',
              device_callsign: bound ? sn : '',
            })),
          },
        };
      }
      case 'airport_organization_get': {
        const data = m.data as AirportOrganizationGetData;
        return data.organization_id === ORGANIZATION.id &&
          data.device_binding_code === ORGANIZATION.bindingCode
          ? { result: 0, output: { organization_name: ORGANIZATION.name } }
          : { result: 210231 };
      }
      case 'airport_organization_bind': {
        const devices = (m.data as AirportOrganizationBindData).bind_devices;
        const right = (d: (typeof devices)[number]) =>
          d.organization_id === ORGANIZATION.id &&
          d.device_binding_code === ORGANIZATION.bindingCode;
        if (devices.every(right)) this.bound.add(m.gatewaySn);
        return {
          result: 0,
          output: {
            err_infos: devices.map((d) => ({ sn: d.sn, err_code: right(d) ? 0 : 210231 })),
          },
        };
      }
      default: {
        const file = this.files.get((m.data as { flight_id: string }).flight_id);
        return file ? { result: 0, output: { file } } : { result: 314013 };
      }
    }
  }
}

function prepare(
  flightId: string,
  url: string,
  fingerprint: string,
): ServiceDataMap['flighttask_prepare'] {
  return {
    flight_id: flightId,
    task_type: 0,
    execute_time: Date.now(),
    wayline_type: 0,
    file: { url, fingerprint },
    rth_altitude: 100,
    out_of_control_action: 0,
    exit_wayline_when_rc_lost: 0,
  };
}

describe('dock simulator against Mosquitto', () => {
  let server: Server;
  let baseUrl: string;
  let prefix: string;
  let cloud: Cloud;
  let fleet: Fleet | undefined;
  const extraDocks: SimulatedDock[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/wayline.kmz') res.end(KMZ);
      else res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    prefix = uniqueName('SIM').toUpperCase();
    cloud = await Cloud.connect(prefix);
  });

  afterAll(async () => {
    await fleet?.stop();
    await Promise.all(extraDocks.map((dock) => dock.stop()));
    await cloud?.client.endAsync();
    server?.close();
  });

  it('runs three docks: topology, osd, a good flight, an MD5 mismatch, a failed download', async () => {
    fleet = await startFleet({
      docks: 3,
      snPrefix: `${prefix}-F`,
      mqtt: { url: infraSettings.mqttUrl },
      behaviour: { ...FAST, replyTimeoutMs: 2_000 },
    });
    const [good, badMd5, noFile] = fleet.docks.map((dock) => dock.sn) as [string, string, string];

    await eventually(() => {
      for (const sn of [good, badMd5, noFile]) {
        expect(cloud.of(sn, 'status', 'update_topo')).toHaveLength(1);
        expect(cloud.of(sn, 'osd').length).toBeGreaterThan(0);
        expect(fleet?.dock(sn)?.snapshot().replies.latenciesMs.status_reply).toHaveLength(1);
      }
    });

    cloud.files.set('F-GOOD', { url: `${baseUrl}/wayline.kmz`, fingerprint: KMZ_MD5 });
    cloud.files.set('F-MD5', { url: `${baseUrl}/wayline.kmz`, fingerprint: 'f'.repeat(32) });
    cloud.files.set('F-404', { url: `${baseUrl}/expired.kmz`, fingerprint: KMZ_MD5 });
    cloud.silentFor.add(noFile);
    const flights: [string, string][] = [
      [good, 'F-GOOD'],
      [badMd5, 'F-MD5'],
      [noFile, 'F-404'],
    ];
    const tids: string[] = [];
    for (const [sn, flightId] of flights) {
      tids.push(
        await cloud.send(
          sn,
          'flighttask_prepare',
          prepare(flightId, `${baseUrl}/wayline.kmz`, KMZ_MD5),
        ),
      );
      tids.push(await cloud.send(sn, 'flighttask_execute', { flight_id: flightId }));
    }

    await eventually(
      () => {
        expect(cloud.statuses(good).at(-1)).toBe('ok');
        expect(cloud.statuses(badMd5).at(-1)).toBe('failed');
        expect(cloud.statuses(noFile).at(-1)).toBe('failed');
      },
      { timeoutMs: 30_000 },
    );
    const replies = tids.map((tid) => cloud.received.find((m) => m.tid === tid)?.data);
    expect(replies).toEqual(Array(6).fill({ result: 0 }));

    const finalOf = (sn: string) => cloud.of(sn, 'events', 'flighttask_progress').at(-1)?.data;
    expect(finalOf(good)).toMatchObject({
      result: 0,
      output: { progress: { percent: 100 }, ext: { flight_id: 'F-GOOD' } },
    });
    expect(finalOf(badMd5)).toMatchObject({
      result: 314005,
      output: { progress: { current_step: 14 } },
    });
    expect(finalOf(noFile)).toMatchObject({ result: 314013 });
    expect(cloud.of(good, 'requests', 'flighttask_resource_get')).toHaveLength(1);
    expect(cloud.of(good, 'events', 'return_home_info').length).toBeGreaterThan(0);

    // The answered dock is owed nothing. The dock this cloud ignores waits for its two progress
    // replies (sent, failed) and counts them missing, unless another gateway on the shared
    // broker (a colleague's run) answered them: then they are answered. Either way, all
    // accounted for.
    await eventually(
      () => {
        const answered = fleet?.dock(good)?.snapshot().replies;
        expect(answered?.missing).toEqual({});
        expect(answered?.latenciesMs.events_reply.length).toBeGreaterThanOrEqual(2);
        const ignored = fleet?.dock(noFile)?.snapshot().replies;
        expect(ignored?.pending).toBe(0);
        const missing = ignored?.missing['events_reply:flighttask_progress'] ?? 0;
        expect(missing + (ignored?.latenciesMs.events_reply.length ?? 0)).toBe(2);
      },
      { timeoutMs: 10_000 },
    );
    const missingOfIgnored = fleet.dock(noFile)?.snapshot().replies.missing ?? {};

    const report = fleet.report();
    expect(report.tasks).toEqual({ ok: 1, 'failed 314005': 1, 'failed 314013': 1 });
    expect(report.replies.missing).toEqual(missingOfIgnored);
    expect(report.services.results).toMatchObject({
      'flighttask_execute=0': 3,
      'flighttask_prepare=0': 3,
    });
  });

  it('acts out refusals and latency configured per method', async () => {
    const dock = createSimulatedDock({
      sn: `${prefix}-R0001`,
      mqtt: { url: infraSettings.mqttUrl, protocolVersion: 4 },
      behaviour: {
        ...FAST,
        replyCodes: { flighttask_execute: { code: 319016 } },
        replyLatencyMs: { flighttask_prepare: 400 },
        neverReply: ['flighttask_undo'],
      },
    });
    extraDocks.push(dock);
    await dock.start();
    await eventually(() => expect(cloud.of(dock.sn, 'status')).toHaveLength(1));

    const sentAt = Date.now();
    const prepareTid = await cloud.send(
      dock.sn,
      'flighttask_prepare',
      prepare('F-R', `${baseUrl}/wayline.kmz`, KMZ_MD5),
    );
    const executeTid = await cloud.send(dock.sn, 'flighttask_execute', { flight_id: 'F-R' });
    const undoTid = await cloud.send(dock.sn, 'flighttask_undo', { flight_ids: ['F-R'] });
    const reply = (tid: string) => cloud.of(dock.sn, 'services_reply').find((m) => m.tid === tid);

    await eventually(() => {
      expect(reply(executeTid)?.data).toEqual({ result: 319016 });
      expect(reply(prepareTid)?.data).toEqual({ result: 0 });
    });
    expect((reply(prepareTid)?.timestamp ?? 0) - sentAt).toBeGreaterThanOrEqual(390);
    expect(reply(undoTid)).toBeUndefined();
    expect(dock.snapshot().counters.servicesLost).toBe(1);
    expect(dock.snapshot().tasks).toEqual([
      expect.objectContaining({ flightId: 'F-R', state: 'prepared' }),
    ]);
  });

  it('disconnects when the config reply has no licence, like a real dock', async () => {
    const dock = createSimulatedDock({
      sn: `${prefix}-L0001`,
      mqtt: { url: infraSettings.mqttUrl },
      behaviour: { ...FAST, licenceRetryMs: 600_000 },
    });
    extraDocks.push(dock);
    cloud.unlicensed.add(dock.sn);
    await dock.start();
    await eventually(() =>
      expect(dock.snapshot()).toMatchObject({
        online: false,
        onboarding: { state: 'refused', reason: expect.stringContaining('no licence') },
      }),
    );
    expect(cloud.of(dock.sn, 'requests').map((m) => m.method)).toEqual(['config']);
    expect(cloud.of(dock.sn, 'status')).toEqual([]);
    expect(cloud.of(dock.sn, 'osd')).toEqual([]);
  });

  it('onboards when something answers: config, topology, bind status, organization, bind', async () => {
    const dock = createSimulatedDock({
      sn: `${prefix}-B0001`,
      mqtt: { url: infraSettings.mqttUrl },
      behaviour: {
        ...FAST,
        expectedLicence: {
          app_id: LICENCE.app_id,
          app_key: LICENCE.app_key,
          app_license: LICENCE.app_license,
        },
        organization: { id: ORGANIZATION.id, bindingCode: ORGANIZATION.bindingCode },
      },
    });
    extraDocks.push(dock);
    await dock.start();
    await eventually(() =>
      expect(dock.snapshot().onboarding).toEqual({
        state: 'bound',
        organizationName: ORGANIZATION.name,
      }),
    );
    const order = cloud.received
      .filter((m) => m.gatewaySn === dock.sn && (m.family === 'requests' || m.family === 'status'))
      .map((m) => m.method);
    expect(order).toEqual([
      'config',
      'update_topo',
      'airport_bind_status',
      'airport_organization_get',
      'airport_organization_bind',
    ]);
    expect(cloud.bound.has(dock.sn)).toBe(true);
    await eventually(() => expect(cloud.of(dock.sn, 'osd').length).toBeGreaterThan(0));
  });

  it('connects 1,000 docks from one process, each announcing itself and pushing osd', async () => {
    const smokePrefix = `${prefix}-K`;
    const topo = new Set<string>();
    const osd = new Set<string>();
    const counter = (topic: string) => {
      const sn = topic.split('/')[2] ?? '';
      if (!sn.startsWith(smokePrefix)) return;
      if (topic.endsWith('/status')) topo.add(sn);
      else if (topic.endsWith('/osd')) osd.add(sn);
    };
    cloud.client.on('message', counter);
    const smoke = await startFleet({
      docks: 1_000,
      snPrefix: smokePrefix,
      mqtt: { url: infraSettings.mqttUrl },
      behaviour: { osdIntervalMs: 1_000, progressIntervalMs: 1_000 },
    });
    try {
      await eventually(
        () => {
          expect(topo.size).toBe(1_000);
          expect(osd.size).toBe(1_000);
        },
        { timeoutMs: 40_000, intervalMs: 250 },
      );
    } finally {
      cloud.client.off('message', counter);
      const report = await smoke.stop();
      expect(report.docks).toMatchObject({ total: 1_000, connectFailures: 0 });
      expect(report.messages.published['status:update_topo']).toBe(1_000);
      expect(report.latenciesMs.status_reply.count).toBe(1_000);
    }
  });
});
