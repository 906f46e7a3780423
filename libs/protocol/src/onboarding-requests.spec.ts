// config and the three binding requests (dock-config-and-time.md, dock-organization-binding.md):
// the spec pages' examples up and down, their traps, and malformed input.
import { buildRequestsReply, ReplyTarget, RequestsReplyData } from './builders';
import {
  REQUEST_NOT_SUPPORTED_RESULT,
  REQUEST_ROUTES,
  requestFailureResult,
  requestRoute,
} from './methods/request-routes';
import { BINDING_REQUEST_METHODS, isBindingRequestMethod } from './methods/organization-binding';
import { hasLicence } from './methods/config';
import { normaliseDownlink, normaliseUplink } from './normalise';

const GW = 'DOCK_SN';
const NOW = 1_700_000_000_000;
const UP = `thing/product/${GW}/requests`;
const DOWN = `thing/product/${GW}/requests_reply`;

function up(method: string, data: unknown, extra: Record<string, unknown> = {}) {
  return normaliseUplink(
    UP,
    JSON.stringify({ tid: 't-1', bid: 'b-1', timestamp: NOW, gateway: GW, method, data, ...extra }),
  );
}

function target(method: string): ReplyTarget {
  return { gatewaySn: GW, tid: 't-1', bid: 'b-1', method, family: 'requests' };
}

function reply(method: string, data: unknown) {
  return buildRequestsReply(target(method), NOW + 40, data as RequestsReplyData);
}

describe('config', () => {
  it('reads the spec example as a known request', () => {
    const result = up('config', { config_type: 'json', config_scope: 'product' });
    expect(result).toMatchObject({
      ok: true,
      message: { method: 'config', known: true, data: { config_scope: 'product' } },
    });
  });

  it('accepts a config without its fields and with unknown scopes (always answered)', () => {
    expect(up('config', {}).ok).toBe(true);
    expect(up('config', { config_type: 'json', config_scope: 'device', extra: 1 }).ok).toBe(true);
  });

  it('refuses a config whose data is not an object or whose fields are not strings', () => {
    expect(up('config', 'product')).toMatchObject({ ok: false, error: { path: 'data' } });
    expect(up('config', { config_scope: 1 })).toMatchObject({
      ok: false,
      error: { path: 'data.config_scope' },
    });
  });

  it('builds the spec reply, unwrapped, with the same tid, bid and method', () => {
    const data = {
      ntp_server_host: 'ntp.example.net',
      ntp_server_port: 123,
      app_id: '123456',
      app_key: '<app key>',
      app_license: '<license string>',
    };
    const built = reply('config', data);
    if (!built.ok) throw new Error(built.error.message);
    expect(built.message.topic).toBe(DOWN);
    expect(JSON.parse(built.message.payload)).toEqual({
      tid: 't-1',
      bid: 'b-1',
      timestamp: NOW + 40,
      method: 'config',
      data,
    });
    // What the dock reads back (the simulator decodes with normaliseDownlink).
    const read = normaliseDownlink(DOWN, built.message.payload);
    expect(read).toMatchObject({ ok: true, message: { known: true, data } });
    expect(hasLicence(data)).toBe(true);
  });

  it('sends a reply without NTP fields and with empty licence fields (the dock refuses it)', () => {
    const data = { app_id: '', app_key: '', app_license: '' };
    expect(reply('config', data).ok).toBe(true);
    expect(hasLicence(data)).toBe(false);
  });

  it.each([
    ['a wrapped reply', { result: 0, output: {} }, 'data.result'],
    ['app_id as a number', { app_id: 123456, app_key: 'k', app_license: 'l' }, 'data.app_id'],
    ['no app_license', { app_id: '1', app_key: 'k' }, 'data.app_license'],
    [
      'port out of range',
      { app_id: '1', app_key: 'k', app_license: 'l', ntp_server_port: 70_000 },
      'data.ntp_server_port',
    ],
  ])('refuses %s', (_name, data, path) => {
    expect(reply('config', data)).toMatchObject({ ok: false, error: { path } });
  });
});

describe('airport_bind_status', () => {
  const request = { devices: [{ sn: 'DRONE_SN' }, { sn: 'DOCK_SN' }] };
  const answer = {
    result: 0,
    output: {
      bind_status: [
        {
          sn: 'DOCK_SN',
          is_device_bind_organization: false,
          organization_id: '',
          organization_name: '',
          device_callsign: '',
        },
        {
          sn: 'DRONE_SN',
          is_device_bind_organization: false,
          organization_id: '',
          organization_name: '',
          device_callsign: '',
        },
      ],
    },
  };

  it('reads the spec request, with need_reply as 1 or true and extra fields', () => {
    for (const needReply of [1, true]) {
      const result = up(
        'airport_bind_status',
        { ...request, extra: 'x' },
        { need_reply: needReply },
      );
      expect(result).toMatchObject({
        ok: true,
        message: { known: true, needReply: true, data: { devices: request.devices, extra: 'x' } },
      });
    }
  });

  it.each([
    ['no devices', {}, 'data.devices'],
    ['an empty list', { devices: [] }, 'data.devices'],
    ['a device without sn', { devices: [{ serial: 'x' }] }, 'data.devices[0].sn'],
    ['a device that is a string', { devices: ['DOCK_SN'] }, 'data.devices[0]'],
  ])('refuses a request with %s', (_name, data, path) => {
    expect(up('airport_bind_status', data)).toMatchObject({ ok: false, error: { path } });
  });

  it('builds the spec reply and a refusal without output', () => {
    expect(reply('airport_bind_status', answer).ok).toBe(true);
    expect(reply('airport_bind_status', { result: 210231 }).ok).toBe(true);
  });

  it.each([
    ['result 0 without output', { result: 0 }, 'data.output'],
    [
      'three entries',
      {
        result: 0,
        output: { bind_status: [...answer.output.bind_status, answer.output.bind_status[0]] },
      },
      'data.output.bind_status',
    ],
    [
      'is_device_bind_organization as 1',
      {
        result: 0,
        output: {
          bind_status: [{ ...answer.output.bind_status[0], is_device_bind_organization: 1 }],
        },
      },
      'data.output.bind_status[0].is_device_bind_organization',
    ],
    [
      'a missing callsign',
      {
        result: 0,
        output: {
          bind_status: [
            {
              sn: 'DOCK_SN',
              is_device_bind_organization: true,
              organization_id: 'o',
              organization_name: 'n',
            },
          ],
        },
      },
      'data.output.bind_status[0].device_callsign',
    ],
    ['a negative result', { result: -1 }, 'data.result'],
  ])('refuses an answer with %s', (_name, data, path) => {
    expect(reply('airport_bind_status', data)).toMatchObject({ ok: false, error: { path } });
  });
});

describe('airport_organization_get', () => {
  it('reads the spec request; empty strings pass (the registry says the code is wrong)', () => {
    expect(
      up('airport_organization_get', {
        device_binding_code: 'BIND-CODE-1',
        organization_id: 'org-0001',
      }),
    ).toMatchObject({ ok: true, message: { known: true } });
    expect(
      up('airport_organization_get', { device_binding_code: '', organization_id: '' }).ok,
    ).toBe(true);
  });

  it('refuses a request without organization_id or with a numeric code', () => {
    expect(up('airport_organization_get', { device_binding_code: 'c' })).toMatchObject({
      ok: false,
      error: { path: 'data.organization_id' },
    });
    expect(
      up('airport_organization_get', { device_binding_code: 12, organization_id: 'o' }),
    ).toMatchObject({ ok: false, error: { path: 'data.device_binding_code' } });
  });

  it('builds the spec reply; refuses one without organization_name', () => {
    expect(
      reply('airport_organization_get', {
        result: 0,
        output: { organization_name: 'Site North Team' },
      }).ok,
    ).toBe(true);
    expect(reply('airport_organization_get', { result: 0, output: {} })).toMatchObject({
      ok: false,
      error: { path: 'data.output.organization_name' },
    });
  });
});

describe('airport_organization_bind', () => {
  const devices = [
    {
      device_binding_code: 'BIND-CODE-1',
      organization_id: 'org-0001',
      device_callsign: 'Dock-North',
      sn: 'DOCK_SN',
      device_model_key: '3-1-0',
    },
    {
      device_binding_code: 'BIND-CODE-1',
      organization_id: 'org-0001',
      device_callsign: 'M30-North',
      sn: 'DRONE_SN',
      device_model_key: '0-67-0',
    },
  ];

  it('reads the spec request, and one without callsign and model key (optional)', () => {
    expect(up('airport_organization_bind', { bind_devices: devices })).toMatchObject({
      ok: true,
      message: { known: true },
    });
    const [first] = devices;
    const { device_callsign: _c, device_model_key: _k, ...bare } = first as (typeof devices)[0];
    expect(up('airport_organization_bind', { bind_devices: [bare] }).ok).toBe(true);
  });

  it.each([
    ['no bind_devices', {}, 'data.bind_devices'],
    [
      'a device without sn',
      { bind_devices: [{ ...devices[0], sn: '' }] },
      'data.bind_devices[0].sn',
    ],
    [
      'a device without binding code',
      { bind_devices: [{ sn: 'X', organization_id: 'o' }] },
      'data.bind_devices[0].device_binding_code',
    ],
    [
      'a numeric callsign',
      { bind_devices: [{ ...devices[0], device_callsign: 7 }] },
      'data.bind_devices[0].device_callsign',
    ],
  ])('refuses a request with %s', (_name, data, path) => {
    expect(up('airport_organization_bind', data)).toMatchObject({ ok: false, error: { path } });
  });

  it("builds the spec reply and the docs' own example (result 0, err_code 210231 per device)", () => {
    const ok = {
      result: 0,
      output: {
        err_infos: [
          { sn: 'DOCK_SN', err_code: 0 },
          { sn: 'DRONE_SN', err_code: 0 },
        ],
      },
    };
    expect(reply('airport_organization_bind', ok).ok).toBe(true);
    const docs = { result: 0, output: { err_infos: [{ sn: 'DOCK_SN', err_code: 210231 }] } };
    expect(reply('airport_organization_bind', docs).ok).toBe(true);
  });

  it('refuses an answer with an err_code string or no err_infos', () => {
    expect(
      reply('airport_organization_bind', {
        result: 0,
        output: { err_infos: [{ sn: 'D', err_code: '0' }] },
      }),
    ).toMatchObject({ ok: false, error: { path: 'data.output.err_infos[0].err_code' } });
    expect(reply('airport_organization_bind', { result: 0, output: {} })).toMatchObject({
      ok: false,
      error: { path: 'data.output.err_infos' },
    });
  });
});

describe('request routes', () => {
  it('names who answers each request and a non-zero failure for each forwarded one', () => {
    expect(requestRoute('config')).toEqual({ answeredBy: 'gateway' });
    expect(requestRoute('flighttask_resource_get')).toEqual({
      answeredBy: 'file',
      failureResult: 314013,
    });
    for (const method of BINDING_REQUEST_METHODS) {
      expect(requestRoute(method)).toMatchObject({ answeredBy: 'registry' });
      expect(requestFailureResult(method)).toBeGreaterThan(0);
      expect(isBindingRequestMethod(method)).toBe(true);
    }
    expect(requestRoute('storage_config_get')).toEqual({
      answeredBy: 'media',
      failureResult: 317001,
    });
    expect(Object.keys(REQUEST_ROUTES).sort()).toEqual(
      [
        'config',
        'flighttask_resource_get',
        'storage_config_get',
        ...BINDING_REQUEST_METHODS,
      ].sort(),
    );
  });

  it('has no route for unknown methods, prototype names included: not supported', () => {
    for (const method of ['flighttask_progress_get', 'constructor', 'toString', null]) {
      expect(requestRoute(method)).toBeUndefined();
      expect(requestFailureResult(method)).toBe(REQUEST_NOT_SUPPORTED_RESULT);
    }
    expect(isBindingRequestMethod('constructor')).toBe(false);
  });

  it('lets an unknown request be refused with {result} only', () => {
    expect(reply('flighttask_progress_get', { result: REQUEST_NOT_SUPPORTED_RESULT }).ok).toBe(
      true,
    );
  });
});
