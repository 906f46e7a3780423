import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import pino from 'pino';
import { servedRoutes, undocumentedRoutes } from '@dock/platform';
import { AsyncApiContract } from '../../support/asyncapi-contract';
import {
  DEFAULT_ORGANIZATION_ID,
  HmsAlertRecord,
  hmsAlertRecordSchema,
  KAFKA_TOPICS,
  TaskEventRecord,
} from '@dock/contracts';
import { decodeRecord, RunningConsumer, startConsumer } from '@dock/kafka';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import { RunningAlertsService, startAlertsService, WebhookReceiver } from './alerts-harness';

const ALL_TYPES = [
  'task.state_changed',
  'flight.progress',
  'flight.return_home_path',
  'flight.exit_homing',
  'hms.alert_raised',
  'hms.alert_cleared',
  'device.online',
  'device.offline',
  'media.file_received',
  'media.flight_complete',
];

function taskEvent(flightId: string, gatewaySn: string, version: number): TaskEventRecord {
  return {
    schemaVersion: 1,
    flightId,
    gatewaySn,
    waylineId: 'wayline-1',
    taskType: 0,
    state: version === 1 ? 'scheduled' : 'in_progress',
    previousState: version === 1 ? null : 'scheduled',
    cause: `step ${version}`,
    resultCode: null,
    version,
    at: Date.now(),
  };
}

const hmsEntry = (code: string, level = 2) => ({
  level,
  module: 3,
  in_the_sky: 0,
  code,
  device_type: '0-67-0',
  imminent: 0,
  args: { component_index: 0, sensor_index: 1 },
});

/**
 * The alerts service against real PostgreSQL and Kafka, delivering to local HTTP receivers
 * that verify every signature.
 */
describe('alerts service', () => {
  let service: RunningAlertsService;
  let hmsConsumer: RunningConsumer;
  const hmsRecords: HmsAlertRecord[] = [];
  const contract = new AsyncApiContract();
  const contractProblems: string[][] = [];

  beforeAll(async () => {
    service = await startAlertsService({
      ALERTS_WEBHOOK_RETRY_INITIAL_MS: '100',
      ALERTS_WEBHOOK_RETRY_MAX_MS: '400',
      ALERTS_WEBHOOK_RETRY_WINDOW_MS: '4000',
      ALERTS_WEBHOOK_TIMEOUT_MS: '2000',
      ALERTS_WEBHOOK_DISPATCH_INTERVAL_MS: '50',
      ALERTS_WEBHOOK_PROGRESS_INTERVAL_MS: '60000',
    });
    hmsConsumer = await startConsumer(service.kafka, {
      groupId: uniqueName('alerts-test-hms'),
      topics: [service.topics.hmsAlerts],
      logger: pino({ level: 'silent' }),
      handleBatch: async (records) => {
        for (const record of records) {
          const decoded = decodeRecord(record.message.value, hmsAlertRecordSchema);
          if (decoded.ok) hmsRecords.push(decoded.value);
          // Every record the service writes conforms to docs/asyncapi.yaml.
          contractProblems.push(
            contract.check(KAFKA_TOPICS.hmsAlerts, {
              key: record.message.key?.toString() ?? null,
              headers: Object.fromEntries(
                Object.entries(record.message.headers ?? {}).map(([name, h]) => [name, String(h)]),
              ),
              value: JSON.parse(String(record.message.value)),
            }),
          );
        }
      },
    });
  }, 60_000);

  afterAll(async () => {
    await hmsConsumer?.stop();
    await service?.stop();
  }, 60_000);

  async function subscribe(receiver: WebhookReceiver, eventTypes: string[]): Promise<string> {
    const url = await receiver.start();
    const created = await service.api('/webhooks/subscriptions', {
      method: 'POST',
      body: JSON.stringify({ url, eventTypes }),
    });
    expect(created.status).toBe(201);
    const body = created.body as { id: string; secret: string };
    receiver.secret = body.secret;
    return body.id;
  }

  it('raises, updates and clears HMS alerts, on REST and alerts.hms', async () => {
    const dock = uniqueName('DOCK-HMS');
    const t0 = Date.now();
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      timestamp: t0,
      data: { list: [hmsEntry('0x16100083'), hmsEntry('0x1B010001', 1)] },
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      timestamp: t0 + 2000,
      data: { list: [hmsEntry('0x16100083', 1), hmsEntry('0x1B010001', 1)] },
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      timestamp: t0 + 4000,
      data: { list: [hmsEntry('0x16100083', 1)] },
    });

    const active = await eventually(async () => {
      const page = await service.api(`/docks/${dock}/hms-alerts?state=all`);
      const items = (page.body as { items: Record<string, unknown>[] }).items;
      expect(items).toHaveLength(2);
      expect(items.filter((a) => a.active)).toHaveLength(1);
      return items;
    });
    const standing = active.find((a) => a.code === '0x16100083')!;
    expect(standing).toMatchObject({
      active: true,
      level: 1,
      count: 3,
      sensorIndex: 1,
      componentIndex: 0,
      organizationId: DEFAULT_ORGANIZATION_ID,
      message: null,
      firstSeenAt: new Date(t0).toISOString(),
      lastSeenAt: new Date(t0 + 4000).toISOString(),
    });
    expect(active.find((a) => a.code === '0x1B010001')).toMatchObject({
      active: false,
      clearedAt: new Date(t0 + 4000).toISOString(),
    });
    const organization = await service.api(`/hms-alerts?gatewaySn=${dock}`);
    expect((organization.body as { items: unknown[] }).items).toHaveLength(1);

    // The real dock's empty list clears the rest; a late, older message changes nothing.
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      timestamp: t0 + 6000,
      data: { list: [] },
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      timestamp: t0 + 5000,
      data: { list: [hmsEntry('0x99')] },
    });
    await eventually(async () => {
      const page = await service.api(`/docks/${dock}/hms-alerts`);
      expect((page.body as { items: unknown[] }).items).toHaveLength(0);
      const mine = hmsRecords.filter((r) => r.gatewaySn === dock);
      expect(mine.map((r) => [r.type, r.code])).toEqual([
        ['raised', '0x16100083'],
        ['raised', '0x1B010001'],
        ['cleared', '0x1B010001'],
        ['cleared', '0x16100083'],
      ]);
    });
    expect(contractProblems.flat()).toEqual([]);
    const bad = await service.api('/hms-alerts?state=maybe');
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toContain('state');
  });

  it('delivers every event type, signed', async () => {
    const receiver = new WebhookReceiver();
    const subscriptionId = await subscribe(receiver, ALL_TYPES);
    const dock = uniqueName('DOCK-ALL');
    const flight = uniqueName('flight');
    await service.sendTaskEvent(taskEvent(flight, dock, 1));
    await service.sendUplink({
      gatewaySn: dock,
      method: 'flighttask_progress',
      data: {
        result: 0,
        output: {
          status: 'in_progress',
          progress: { current_step: 5, percent: 10 },
          ext: { flight_id: flight },
        },
      },
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'return_home_info',
      data: {
        flight_id: flight,
        planned_path_points: [{ latitude: 22.5, longitude: 113.9, height: 100 }],
      },
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'device_exit_homing_notify',
      data: { action: 1, reason: 0, sn: 'AIRCRAFT' },
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'file_upload_callback',
      known: false,
      data: {
        file: {
          object_key: 'k/DJI_0001.jpg',
          name: 'DJI_0001.jpg',
          path: flight,
          ext: { flight_id: flight },
        },
        flight_task: { uploaded_file_count: 1, expected_file_count: 1, flight_type: 0 },
      },
    });
    await service.sendDeviceEvent({
      kind: 'presence',
      gatewaySn: dock,
      deviceSn: 'AIRCRAFT',
      online: true,
      cause: 'update_topo',
    });
    await service.sendDeviceEvent({
      kind: 'presence',
      gatewaySn: dock,
      deviceSn: 'AIRCRAFT',
      online: false,
      cause: 'update_topo',
      at: Date.now() + 1,
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      data: { list: [hmsEntry('0x1')] },
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      timestamp: Date.now() + 1000,
      data: { list: [] },
    });

    await eventually(
      () => {
        const mine = receiver.received.filter((r) => r.body.gatewaySn === dock);
        expect(new Set(mine.map((r) => r.type))).toEqual(new Set(ALL_TYPES));
      },
      { timeoutMs: 20_000 },
    );
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(receiver.received.every((r) => r.id === r.body.id && r.type === r.body.type)).toBe(true);

    const log = await service.api(
      `/webhooks/subscriptions/${subscriptionId}/deliveries?state=delivered`,
    );
    expect(
      (log.body as { state: string; attempts: number; latencyMs: number }[]).length,
    ).toBeGreaterThanOrEqual(10);
    expect(log.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ state: 'delivered', attempts: 1, lastStatus: 204 }),
      ]),
    );
    expect(
      (await service.api(`/webhooks/subscriptions/${subscriptionId}`, { method: 'DELETE' })).status,
    ).toBe(204);
    await receiver.stop();
  }, 40_000);

  it('a receiver down for a while gets everything once it recovers, in order per flight', async () => {
    const receiver = new WebhookReceiver();
    const subscriptionId = await subscribe(receiver, ['task.state_changed']);
    receiver.fail = true;
    const dock = uniqueName('DOCK-RECOVER');
    const flights = [uniqueName('flight-a'), uniqueName('flight-b')];
    for (let version = 1; version <= 5; version++) {
      for (const flight of flights) await service.sendTaskEvent(taskEvent(flight, dock, version));
    }
    await eventually(() => expect(receiver.failures).toBeGreaterThanOrEqual(4), {
      timeoutMs: 15_000,
    });
    receiver.fail = false;
    await eventually(
      () => {
        for (const flight of flights) {
          const versions = receiver.received
            .filter((r) => r.body.flightId === flight)
            .map((r) => r.body.data.version);
          expect(versions).toEqual([1, 2, 3, 4, 5]);
        }
      },
      { timeoutMs: 20_000 },
    );
    const log = (await service.api(`/webhooks/subscriptions/${subscriptionId}/deliveries`))
      .body as {
      state: string;
      attempts: number;
    }[];
    expect(log.filter((d) => d.state === 'delivered')).toHaveLength(10);
    expect(log.some((d) => d.attempts > 1)).toBe(true);
    await receiver.stop();
  }, 50_000);

  it('a receiver that never recovers ends in the dead-letter list, and a replay delivers it', async () => {
    const receiver = new WebhookReceiver();
    const subscriptionId = await subscribe(receiver, ['device.online']);
    receiver.fail = true;
    const dock = uniqueName('DOCK-DEAD');
    await service.sendDeviceEvent({ kind: 'presence', gatewaySn: dock, online: true });
    const dead = await eventually(
      async () => {
        const list = (await service.api('/webhooks/dead-letters')).body as {
          id: string;
          subscriptionId: string;
          attempts: number;
          lastError: string;
        }[];
        const mine = list.find((d) => d.subscriptionId === subscriptionId);
        expect(mine).toBeDefined();
        return mine!;
      },
      { timeoutMs: 20_000 },
    );
    expect(dead.attempts).toBeGreaterThan(1);
    expect(dead.lastError).toContain('HTTP 500');
    receiver.fail = false;
    const replay = await service.api(`/webhooks/deliveries/${dead.id}/replay`, { method: 'POST' });
    expect(replay).toEqual({ status: 202, body: { replayed: 1 } });
    await eventually(() => expect(receiver.received.map((r) => r.body.gatewaySn)).toContain(dock));
    expect(
      (await service.api(`/webhooks/deliveries/${dead.id}/replay`, { method: 'POST' })).status,
    ).toBe(404);
    expect((await service.api('/webhooks/deliveries/abc/replay', { method: 'POST' })).status).toBe(
      400,
    );
    await receiver.stop();
  }, 50_000);

  it('refuses bad subscriptions naming the field, never lists secrets, and counts deliveries', async () => {
    const bad = await service.api('/webhooks/subscriptions', {
      method: 'POST',
      body: JSON.stringify({ url: 'ftp://x', eventTypes: ['nope'] }),
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { message: string }).message).toContain('eventTypes');
    const list = await service.api('/webhooks/subscriptions');
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const metrics = await fetch(`${service.baseUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/alerts_webhook_deliveries_total{outcome="delivered"[^}]*} [1-9]/);
    expect(metrics).toContain('alerts_webhook_oldest_undelivered_age_seconds');
  });

  it("a bound dock's alerts and webhooks belong to its organization; subscriptions are per organization", async () => {
    const organization = uniqueName('org');
    const inOrganization = { headers: { 'X-Organization-Id': organization } };
    const types = ['hms.alert_raised', 'task.state_changed', 'flight.exit_homing'];
    const theirs = new WebhookReceiver();
    const defaults = new WebhookReceiver();
    const theirsUrl = await theirs.start();
    const created = await service.api('/webhooks/subscriptions', {
      method: 'POST',
      body: JSON.stringify({ url: theirsUrl, eventTypes: types }),
      ...inOrganization,
    });
    expect(created.status).toBe(201);
    const theirsId = (created.body as { id: string; secret: string }).id;
    theirs.secret = (created.body as { secret: string }).secret;
    const defaultsId = await subscribe(defaults, types);

    // Subscriptions are seen, read and deleted in their own organization only.
    const listed = (await service.api('/webhooks/subscriptions', inOrganization)).body as {
      id: string;
    }[];
    expect(listed.map((s) => s.id)).toEqual([theirsId]);
    const listedByDefault = (await service.api('/webhooks/subscriptions')).body as {
      id: string;
    }[];
    expect(listedByDefault.map((s) => s.id)).not.toContain(theirsId);
    expect((await service.api(`/webhooks/subscriptions/${theirsId}`)).status).toBe(404);
    expect(
      (await service.api(`/webhooks/subscriptions/${theirsId}`, { method: 'DELETE' })).status,
    ).toBe(404);
    expect((await service.api(`/webhooks/subscriptions/${theirsId}`, inOrganization)).status).toBe(
      200,
    );

    // The registry binds the dock: from then on its alerts and events are the organization's.
    const dock = uniqueName('DOCK-ORG');
    const boundAt = Date.now();
    await service.sendDeviceEvent({
      kind: 'binding',
      gatewaySn: dock,
      organizationId: organization,
      bound: true,
      cause: 'airport_organization_bind',
      at: boundAt,
    });
    await eventually(async () => {
      const rows = await service.db.query(
        `SELECT organization_id FROM "${service.schema}".dock_organizations WHERE gateway_sn = $1`,
        [dock],
      );
      expect(rows.rows).toEqual([{ organization_id: organization }]);
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      data: { list: [hmsEntry('0x16100083')] },
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'device_exit_homing_notify',
      data: { action: 1, reason: 0, sn: 'AIRCRAFT' },
    });
    const flight = uniqueName('flight');
    await service.sendTaskEvent({ ...taskEvent(flight, dock, 1), organizationId: organization });

    await eventually(async () => {
      const page = await service.api(`/docks/${dock}/hms-alerts`, inOrganization);
      expect((page.body as { items: { organizationId: string }[] }).items).toEqual([
        expect.objectContaining({ organizationId: organization, code: '0x16100083' }),
      ]);
    });
    expect(
      ((await service.api(`/docks/${dock}/hms-alerts`)).body as { items: unknown[] }).items,
    ).toEqual([]);
    await eventually(() =>
      expect(hmsRecords.filter((r) => r.gatewaySn === dock)).toEqual([
        expect.objectContaining({ type: 'raised', organizationId: organization }),
      ]),
    );
    await eventually(
      () =>
        expect(new Set(theirs.received.map((r) => r.type))).toEqual(
          new Set(['hms.alert_raised', 'flight.exit_homing', 'task.state_changed']),
        ),
      { timeoutMs: 20_000 },
    );
    expect(theirs.received.every((r) => r.verified && r.body.gatewaySn === dock)).toBe(true);

    // Unbound: the dock's next alert is the default organization's again.
    await service.sendDeviceEvent({
      kind: 'binding',
      gatewaySn: dock,
      organizationId: organization,
      bound: false,
      cause: 'unbound by operator',
      at: boundAt + 1,
    });
    await eventually(async () => {
      const rows = await service.db.query(
        `SELECT organization_id FROM "${service.schema}".dock_organizations WHERE gateway_sn = $1`,
        [dock],
      );
      expect(rows.rows).toEqual([{ organization_id: null }]);
    });
    await service.sendUplink({
      gatewaySn: dock,
      method: 'hms',
      known: false,
      timestamp: Date.now() + 1000,
      data: { list: [hmsEntry('0x16100083'), hmsEntry('0x1B010001')] },
    });
    await eventually(async () => {
      const page = await service.api(`/docks/${dock}/hms-alerts`);
      expect((page.body as { items: { organizationId: string }[] }).items).toEqual([
        expect.objectContaining({ organizationId: DEFAULT_ORGANIZATION_ID, code: '0x1B010001' }),
      ]);
    });
    // Nothing of the bound dock went to the default organization's receiver.
    expect(
      defaults.received.filter((r) => r.body.gatewaySn === dock && r.type !== 'hms.alert_raised'),
    ).toEqual([]);
    await service.api(`/webhooks/subscriptions/${theirsId}`, {
      method: 'DELETE',
      ...inOrganization,
    });
    await service.api(`/webhooks/subscriptions/${defaultsId}`, { method: 'DELETE' });
    await theirs.stop();
    await defaults.stop();
  }, 60_000);

  it('refuses a query parameter a route does not take, and non-digit limits, naming them', async () => {
    const unknown = await service.api('/webhooks/dead-letters?offset=5');
    expect(unknown.status).toBe(400);
    expect((unknown.body as { message: string }).message).toContain('offset');
    for (const limit of ['1e2', '-1', '0', '501']) {
      const bad = await service.api(`/hms-alerts?limit=${limit}`);
      expect(bad.status).toBe(400);
      expect((bad.body as { message: string }).message).toContain('limit');
    }
    const before = await service.api('/hms-alerts?before=0x10');
    expect(before.status).toBe(400);
    expect((before.body as { message: string }).message).toContain('before');
    const header = await service.api('/hms-alerts', { headers: { 'X-Organization-Id': 'a b' } });
    expect(header.status).toBe(400);
    expect((header.body as { message: string }).message).toContain('X-Organization-Id');
  });

  it('documents every route it serves, as committed in docs/openapi/alerts.json', async () => {
    const document = (await (
      await fetch(`${service.baseUrl}/docs/openapi.json`)
    ).json()) as OpenAPIObject;
    expect(servedRoutes(service.running.app)).toEqual(
      expect.arrayContaining([
        { method: 'get', path: '/hms-alerts' },
        { method: 'post', path: '/webhooks/subscriptions' },
        { method: 'post', path: '/webhooks/deliveries/{id}/replay' },
      ]),
    );
    expect(undocumentedRoutes(service.running.app, document)).toEqual([]);
    const snapshot = path.resolve(__dirname, '../../../docs/openapi/alerts.json');
    const served = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') {
      await mkdir(path.dirname(snapshot), { recursive: true });
      await writeFile(snapshot, served);
    }
    // Regenerate with: UPDATE_OPENAPI=1 npx jest test/integration/alerts --selectProjects integration
    expect(served).toBe(await readFile(snapshot, 'utf8'));
  });
});
