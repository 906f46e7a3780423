import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import {
  DEFAULT_ORGANIZATION_ID,
  deviceEventRecordSchema,
  requestReplyRecordSchema,
} from '@dock/contracts';
import { undocumentedRoutes } from '@dock/platform';
import { findDataValidator } from '@dock/protocol';
import { AsyncApiContract } from '../../support/asyncapi-contract';
import { BINDING_RESULT } from '../../../apps/registry/src/domain/binding-results';
import { eventually } from '../../support/eventually';
import { uniqueName } from '../../support/infra-settings';
import { Collected, RunningRegistry, startRegistry, TEST_TOKEN } from './registry-harness';

// Bodies are checked with toEqual/toMatchObject; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const auth = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/json' };
const OFFLINE_AFTER_MS = 2_500;

/**
 * The registry against real PostgreSQL and Kafka. Docks are played by raw MQTT payloads that
 * go through the gateway's own normaliser and record builder onto the registry's topics.
 */
describe('registry service', () => {
  let registry: RunningRegistry;
  const run = uniqueName('r').replace(/-/g, '').toUpperCase().slice(-10);
  const DOCK = `DOCK${run}`;
  const DRONE = `DRONE${run}`;

  beforeAll(async () => {
    registry = await startRegistry({
      REGISTRY_DOCK_OFFLINE_AFTER_MS: String(OFFLINE_AFTER_MS),
      REGISTRY_SWEEP_INTERVAL_MS: '200',
      REGISTRY_RELAY_INTERVAL_MS: '200',
    });
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
  }, 60_000);

  async function http(method: string, path: string, body?: unknown) {
    const response = await fetch(`${registry.baseUrl}${path}`, {
      method,
      headers: auth,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Json) : undefined };
  }

  async function createOrganization(name: string): Promise<string> {
    const created = await http('POST', '/organizations', { name });
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  async function issueCode(organizationId: string, body: unknown = {}) {
    const issued = await http('POST', `/organizations/${organizationId}/binding-codes`, body);
    expect(issued.status).toBe(201);
    return issued.body as { id: string; code: string };
  }

  /**
   * Sends a binding request as the dock (as the gateway writes it; `unchecked`: data the
   * gateway would refuse) and waits for its reply record.
   */
  async function request(
    gatewaySn: string,
    method: string,
    data: unknown,
    tid = randomUUID(),
    unchecked = false,
  ) {
    const before = replies(tid).length;
    if (unchecked) await registry.requestAsIs(gatewaySn, tid, method, data);
    else
      await registry.fromDock(`thing/product/${gatewaySn}/requests`, {
        tid,
        bid: `bid-${tid}`,
        timestamp: Date.now(),
        gateway: gatewaySn,
        method,
        data,
      });
    const reply = await eventually(() => {
      const found = replies(tid);
      expect(found.length).toBeGreaterThan(before);
      return found[found.length - 1];
    });
    expect(reply.key).toBe(gatewaySn);
    const value = requestReplyRecordSchema.parse(reply.value);
    expect(value).toMatchObject({
      tid,
      bid: `bid-${tid}`,
      method,
      gatewaySn,
      answeredBy: 'registry',
    });
    return value.data as { result: number; output: Json };
  }

  const replies = (tid: string): Collected[] =>
    registry.collected.filter(
      (r) => r.topic === registry.topics.requestReplies && r.value.tid === tid,
    );
  const events = (filter: (e: Record<string, Json>) => boolean = () => true) =>
    registry.collected
      .filter((r) => r.topic === registry.topics.deviceEvents)
      .map((r) => ({ key: r.key, ...deviceEventRecordSchema.parse(r.value) }))
      .filter(filter);

  async function topo(
    gatewaySn: string,
    subDevices: unknown[],
    dock = { domain: '3', type: 3, sub_type: 0 },
  ) {
    await registry.fromDock(`sys/product/${gatewaySn}/status`, {
      tid: randomUUID(),
      bid: randomUUID(),
      timestamp: Date.now(),
      method: 'update_topo',
      data: {
        ...dock,
        device_secret: 's',
        nonce: 'n',
        thing_version: '1.1.2',
        sub_devices: subDevices,
      },
    });
  }

  const drone = (sn: string, type = 100) => ({
    sn,
    domain: '0',
    type,
    sub_type: 0,
    index: 'A',
    device_secret: 's',
    nonce: 'n',
    thing_version: '1.1.2',
  });

  it('has the default organization after the first migration', async () => {
    const list = await http('GET', '/organizations');
    expect(list.status).toBe(200);
    expect(list.body.map((o: { id: string }) => o.id)).toContain(DEFAULT_ORGANIZATION_ID);
  });

  it('serves its OpenAPI document with every route in it, as committed in docs/openapi/registry.json', async () => {
    const response = await fetch(`${registry.baseUrl}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenAPIObject;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/organizations',
        '/organizations/{organizationId}/binding-codes',
        '/organizations/{organizationId}/devices',
        '/devices/{sn}',
        '/devices/{sn}/binding',
        // The Pilot 2 access page (libs/pilot-h5, wired with the registry's bootstrap source).
        '/pilot',
        '/pilot/bootstrap',
      ]),
    );
    expect(undocumentedRoutes(registry.running.app, document)).toEqual([]);
    const snapshot = path.resolve(__dirname, '../../../docs/openapi/registry.json');
    const served = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(snapshot, served);
    // Regenerate with: UPDATE_OPENAPI=1 npx jest test/integration/registry --selectProjects integration
    expect(served).toBe(readFileSync(snapshot, 'utf8'));
  });

  it('answers bad input with 400 naming the parameter, unknown ids with 404, no token with 401', async () => {
    expect(await http('GET', '/organizations/not-a-uuid')).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('organizationId') },
    });
    expect(await http('POST', '/organizations', { name: '' })).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('name') },
    });
    expect(await http('POST', '/organizations', { title: 'x' })).toMatchObject({ status: 400 });
    const org = await createOrganization('Bad input');
    expect(
      await http('POST', `/organizations/${org}/binding-codes`, { expiresAt: 'tomorrow' }),
    ).toMatchObject({ status: 400, body: { message: expect.stringContaining('expiresAt') } });
    expect(await http('GET', `/organizations/${randomUUID()}`)).toMatchObject({
      status: 404,
      body: { code: 'organization_not_found' },
    });
    expect(
      await http('POST', `/organizations/${org}/binding-codes/${randomUUID()}/revoke`),
    ).toMatchObject({ status: 404, body: { code: 'binding_code_not_found' } });
    expect(await http('GET', '/devices/NO-SUCH-SN')).toMatchObject({ status: 404 });
    expect(await http('GET', '/devices/bad%20sn')).toMatchObject({ status: 400 });
    const anonymous = await fetch(`${registry.baseUrl}/organizations`);
    expect(anonymous.status).toBe(401);
  });

  it('manages organizations and codes: rename, list codes without the code, expire, revoke', async () => {
    const org = await createOrganization('  Site South ');
    expect((await http('GET', `/organizations/${org}`)).body.name).toBe('Site South');
    expect((await http('PATCH', `/organizations/${org}`, { name: 'Site S' })).body.name).toBe(
      'Site S',
    );
    const code = await issueCode(org);
    expect(code.code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await http('POST', `/organizations/${org}/binding-codes/${code.id}/expire`, { at: later });
    const listed = await http('GET', `/organizations/${org}/binding-codes`);
    expect(listed.body).toEqual([
      expect.objectContaining({
        id: code.id,
        status: 'active',
        expiresAt: later,
        hint: `…${code.code.slice(-3)}`,
      }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(code.code);
    await http('POST', `/organizations/${org}/binding-codes/${code.id}/revoke`);
    expect((await http('GET', `/organizations/${org}/binding-codes`)).body[0].status).toBe(
      'revoked',
    );
    expect((await http('DELETE', `/organizations/${org}`)).status).toBe(204);
    expect((await http('GET', `/organizations/${org}`)).status).toBe(404);
  });

  it('registers a dock from update_topo, answers the binding flow, and keeps it live', async () => {
    const org = await createOrganization('Site North');
    const right = await issueCode(org);
    const expired = await issueCode(org);
    await http('POST', `/organizations/${org}/binding-codes/${expired.id}/expire`);
    const revoked = await issueCode(org);
    await http('POST', `/organizations/${org}/binding-codes/${revoked.id}/revoke`);

    // 1. The dock connects: it and its aircraft come online, with their models.
    await topo(DOCK, [drone(DRONE)]);
    const dock = await eventually(async () => {
      const got = await http('GET', `/devices/${DOCK}`);
      expect(got.body).toMatchObject({ online: true, model: 'DJI Dock 3', modelKey: '3-3-0' });
      return got.body;
    });
    expect(dock).toMatchObject({
      role: 'gateway',
      organizationId: null,
      lastSeenAt: expect.any(String),
    });
    expect((await http('GET', `/devices/${DRONE}`)).body).toMatchObject({
      role: 'sub_device',
      gatewaySn: DOCK,
      model: 'Matrice 4D',
      online: true,
    });
    await eventually(() => {
      expect(
        events((e) => e.gatewaySn === DOCK).map((e) => [e.kind, e.deviceSn, e.online]),
      ).toEqual(
        expect.arrayContaining([
          ['presence', DOCK, true],
          ['presence', DRONE, true],
          ['topology', DOCK, undefined],
        ]),
      );
    });
    expect(events((e) => e.gatewaySn === DOCK).every((e) => e.key === DOCK)).toBe(true);

    // 2. airport_bind_status: not bound.
    const status = await request(DOCK, 'airport_bind_status', {
      devices: [{ sn: DRONE }, { sn: DOCK }],
    });
    expect(status).toEqual({
      result: 0,
      output: {
        bind_status: [
          {
            sn: DRONE,
            is_device_bind_organization: false,
            organization_id: '',
            organization_name: '',
            device_callsign: '',
          },
          {
            sn: DOCK,
            is_device_bind_organization: false,
            organization_id: '',
            organization_name: '',
            device_callsign: '',
          },
        ],
      },
    });

    // 3. airport_organization_get: the name for the right code only.
    const get = (code: string, organizationId = org) =>
      request(DOCK, 'airport_organization_get', {
        device_binding_code: code,
        organization_id: organizationId,
      });
    expect(await get(right.code.toLowerCase())).toEqual({
      result: 0,
      output: { organization_name: 'Site North' },
    });
    expect((await get('WRONGCODE2')).result).toBe(BINDING_RESULT.wrongCode);
    expect((await get(expired.code)).result).toBe(BINDING_RESULT.expiredCode);
    expect((await get(revoked.code)).result).toBe(BINDING_RESULT.revokedCode);
    expect((await get(right.code, randomUUID())).result).toBe(BINDING_RESULT.unknownOrganization);
    expect((await get(right.code, 'org-0001')).result).toBe(BINDING_RESULT.unknownOrganization);

    // 4. airport_organization_bind with wrong and expired codes: refused per device, nothing written.
    const bindData = (code: string, organizationId = org) => ({
      bind_devices: [
        {
          device_binding_code: code,
          organization_id: organizationId,
          device_callsign: 'Dock-North',
          sn: DOCK,
          device_model_key: '3-3-0',
        },
        {
          device_binding_code: code,
          organization_id: organizationId,
          device_callsign: 'M4D-North',
          sn: DRONE,
          device_model_key: '0-100-0',
        },
      ],
    });
    expect(await request(DOCK, 'airport_organization_bind', bindData('WRONGCODE2'))).toEqual({
      result: 0,
      output: {
        err_infos: [
          { sn: DOCK, err_code: BINDING_RESULT.wrongCode },
          { sn: DRONE, err_code: BINDING_RESULT.wrongCode },
        ],
      },
    });
    expect(
      (await request(DOCK, 'airport_organization_bind', bindData(expired.code))).output.err_infos,
    ).toEqual([
      { sn: DOCK, err_code: BINDING_RESULT.expiredCode },
      { sn: DRONE, err_code: BINDING_RESULT.expiredCode },
    ]);
    expect((await http('GET', `/devices/${DOCK}`)).body.organizationId).toBeNull();

    // 5. The right code binds both; the same request delivered again changes nothing.
    const tid = randomUUID();
    const ok = {
      result: 0,
      output: {
        err_infos: [
          { sn: DOCK, err_code: 0 },
          { sn: DRONE, err_code: 0 },
        ],
      },
    };
    expect(await request(DOCK, 'airport_organization_bind', bindData(right.code), tid)).toEqual(ok);
    expect(await request(DOCK, 'airport_organization_bind', bindData(right.code), tid)).toEqual(ok);
    const devices = await http('GET', `/organizations/${org}/devices`);
    expect(devices.body).toEqual([
      expect.objectContaining({
        sn: DOCK,
        callsign: 'Dock-North',
        organizationId: org,
        boundWithCodeId: right.id,
        online: true,
      }),
      expect.objectContaining({
        sn: DRONE,
        callsign: 'M4D-North',
        organizationId: org,
        model: 'Matrice 4D',
      }),
    ]);
    await eventually(() => {
      expect(events((e) => e.kind === 'binding' && e.gatewaySn === DOCK)).toHaveLength(2);
    });
    const codes = await http('GET', `/organizations/${org}/binding-codes`);
    expect(codes.body.find((c: { id: string }) => c.id === right.id).lastUsedAt).toEqual(
      expect.any(String),
    );

    // 6. airport_bind_status now says bound, with the organization and callsign.
    const bound = await request(DOCK, 'airport_bind_status', { devices: [{ sn: DOCK }] });
    expect(bound.output.bind_status).toEqual([
      {
        sn: DOCK,
        is_device_bind_organization: true,
        organization_id: org,
        organization_name: 'Site North',
        device_callsign: 'Dock-North',
      },
    ]);

    // 7. Another organization's code cannot take the bound dock.
    const other = await createOrganization('Other');
    const otherCode = await issueCode(other);
    expect(
      (await request(DOCK, 'airport_organization_bind', bindData(otherCode.code, other))).output
        .err_infos,
    ).toEqual([
      { sn: DOCK, err_code: BINDING_RESULT.boundToOtherOrganization },
      { sn: DRONE, err_code: BINDING_RESULT.boundToOtherOrganization },
    ]);

    // 8. Firmware from state; the organization cannot be deleted while the dock is bound.
    await registry.fromDock(`thing/product/${DOCK}/state`, {
      tid: randomUUID(),
      bid: randomUUID(),
      timestamp: Date.now(),
      gateway: DOCK,
      data: { firmware_version: '10.01.16.04' },
    });
    await eventually(async () => {
      expect((await http('GET', `/devices/${DOCK}`)).body.firmwareVersion).toBe('10.01.16.04');
    });
    expect(await http('DELETE', `/organizations/${org}`)).toMatchObject({
      status: 409,
      body: { code: 'organization_has_devices' },
    });

    // 9. Silence: the dock and its aircraft go offline once, with events.
    await eventually(
      async () => {
        expect((await http('GET', `/devices/${DOCK}`)).body.online).toBe(false);
        expect((await http('GET', `/devices/${DRONE}`)).body.online).toBe(false);
      },
      { timeoutMs: OFFLINE_AFTER_MS + 8_000, intervalMs: 200 },
    );
    await eventually(() => {
      expect(
        events((e) => e.kind === 'presence' && e.online === false && e.gatewaySn === DOCK),
      ).toHaveLength(2);
    });

    // 10. osd brings the dock back; topology with sub_devices: [] keeps the aircraft offline.
    await registry.fromDock(`thing/product/${DOCK}/osd`, {
      tid: randomUUID(),
      bid: randomUUID(),
      timestamp: Date.now(),
      gateway: DOCK,
      data: { mode_code: 0 },
    });
    await eventually(async () => {
      expect((await http('GET', `/devices/${DOCK}`)).body.online).toBe(true);
    });

    // 11. Unbinding both lets the organization go.
    expect((await http('DELETE', `/devices/${DOCK}/binding`)).body.organizationId).toBeNull();
    expect((await http('DELETE', `/devices/${DRONE}/binding`)).body.organizationId).toBeNull();
    expect((await http('DELETE', `/devices/${DRONE}/binding`)).status).toBe(200);
    await eventually(() => {
      expect(
        events((e) => e.kind === 'binding' && e.bound === false && e.gatewaySn === DOCK),
      ).toHaveLength(2);
    });
    expect((await http('DELETE', `/organizations/${org}`)).status).toBe(204);
  }, 90_000);

  it('refuses a sub-device bound to another organization and keeps unknown product keys', async () => {
    const orgA = await createOrganization('A');
    const orgB = await createOrganization('B');
    const codeA = await issueCode(orgA);
    const codeB = await issueCode(orgB);
    const dockA = `DA${run}`;
    const dockB = `DB${run}`;
    const theirs = `DR${run}`;
    const bind = (gw: string, sn: string, code: string, organizationId: string) =>
      request(gw, 'airport_organization_bind', {
        bind_devices: [
          {
            device_binding_code: code,
            organization_id: organizationId,
            device_callsign: sn,
            sn,
            device_model_key: '9-9-9',
          },
        ],
      });
    expect((await bind(dockA, dockA, codeA.code, orgA)).output.err_infos).toEqual([
      { sn: dockA, err_code: 0 },
    ]);
    expect((await bind(dockB, theirs, codeB.code, orgB)).output.err_infos).toEqual([
      { sn: theirs, err_code: 0 },
    ]);
    await topo(dockA, [drone(theirs)], { domain: '3', type: 77, sub_type: 5 });
    await eventually(async () => {
      expect((await http('GET', `/devices/${dockA}`)).body).toMatchObject({
        online: true,
        modelKey: '3-77-5',
        model: null,
      });
    });
    expect((await http('GET', `/devices/${theirs}`)).body).toMatchObject({
      gatewaySn: dockB,
      organizationId: orgB,
      online: false,
    });
    await eventually(async () => {
      const metrics = await (await fetch(`${registry.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/registry_refused_sub_devices_total\{[^}]*\} 1/);
    });
  }, 60_000);

  it('answers malformed binding requests with the error result and writes nothing', async () => {
    const gw = `DM${run}`;
    const bad = (method: string, data: unknown) => request(gw, method, data, randomUUID(), true);
    expect(await bad('airport_organization_bind', { bind_devices: [{ sn: gw }] })).toEqual({
      result: BINDING_RESULT.malformedRequest,
    });
    expect((await bad('airport_bind_status', { devices: 'all' })).result).toBe(
      BINDING_RESULT.malformedRequest,
    );
    expect((await bad('airport_organization_get', {})).result).toBe(
      BINDING_RESULT.malformedRequest,
    );
    expect((await http('GET', `/devices/${gw}`)).status).toBe(404);
    // A record that is not even an uplink record is skipped, and the next one still answered.
    await registry.raw(registry.topics.requests, gw, { nonsense: true });
    expect((await request(gw, 'airport_bind_status', { devices: [{ sn: gw }] })).result).toBe(0);
  }, 60_000);

  it('wrote only records that docs/asyncapi.yaml describes', () => {
    const contract = new AsyncApiContract();
    const canonical = {
      [registry.topics.requestReplies]: 'dock.request-replies',
      [registry.topics.deviceEvents]: 'registry.device-events',
    };
    expect(registry.collected.length).toBeGreaterThan(20);
    for (const record of registry.collected) {
      expect(
        contract.check(canonical[record.topic], {
          key: record.key ?? null,
          headers: record.headers,
          value: record.value,
        }),
      ).toEqual([]);
    }
  });

  it("answered only what libs/protocol's reply validators accept (the gateway's own check)", () => {
    const answers = registry.collected.filter((r) => r.topic === registry.topics.requestReplies);
    const results = new Set<number>();
    for (const { value } of answers) {
      const validate = findDataValidator('requests_reply', String(value.method));
      expect(validate).toBeDefined();
      const checked = validate!(value.data, []);
      expect(checked.ok ? 'accepted' : checked.error.message).toBe('accepted');
      results.add((value.data as { result: number }).result);
    }
    // Refusals included: they carry no output, or the gateway would refuse them whole.
    expect(results).toEqual(
      new Set([
        BINDING_RESULT.ok,
        BINDING_RESULT.wrongCode,
        BINDING_RESULT.expiredCode,
        BINDING_RESULT.revokedCode,
        BINDING_RESULT.unknownOrganization,
        BINDING_RESULT.malformedRequest,
      ]),
    );
  });
});
