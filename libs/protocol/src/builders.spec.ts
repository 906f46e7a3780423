import {
  buildEventsReply,
  buildRequestsReply,
  buildServiceCommand,
  buildStateReply,
  buildStatusReply,
  ServiceCommand,
} from './builders';
import { ServiceMethod } from './methods/method-names';
import { FlighttaskPrepareData } from './methods/service-types';
import { normaliseDownlink, normaliseUplink, NormalisedMessage } from './normalise';

const GW = 'DOCK1';
const NOW = 1_700_000_000_000;

const prepare: FlighttaskPrepareData = {
  flight_id: 'f-1',
  task_type: 0,
  execute_time: NOW + 1000,
  wayline_type: 0,
  file: { url: 'https://files.example/f-1.kmz', fingerprint: 'd41d8cd98f00b204e9800998ecf8427e' },
  rth_altitude: 100,
  rth_mode: 1,
  out_of_control_action: 0,
  exit_wayline_when_rc_lost: 0,
};

function command<M extends ServiceMethod>(
  method: M,
  data: ServiceCommand<M>['data'],
): ServiceCommand<M> {
  return { gatewaySn: GW, tid: 'tid-1', bid: 'f-1', timestamp: NOW, method, data };
}

function uplink(topic: string, fields: Record<string, unknown>): NormalisedMessage {
  const result = normaliseUplink(
    topic,
    JSON.stringify({ tid: 'ev-t', bid: 'ev-b', timestamp: NOW, ...fields }),
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.message;
}

describe('buildServiceCommand', () => {
  const valid: ServiceCommand<ServiceMethod>[] = [
    command('flighttask_prepare', prepare),
    command('flighttask_prepare', {
      ...prepare,
      task_type: 2,
      execute_time: undefined,
      ready_conditions: { battery_capacity: 80, begin_time: NOW, end_time: NOW + 3_600_000 },
      executable_conditions: { storage_capacity: 1000 },
      break_point: { index: 1, state: 0, progress: 0.5, wayline_id: 0 },
      simulate_mission: { is_enable: 1, latitude: 22.5, longitude: 113.9 },
    }),
    command('flighttask_execute', { flight_id: 'f-1' }),
    command('flighttask_undo', { flight_ids: ['f-1', 'f-2'] }),
    command('flighttask_pause', {}),
    command('flighttask_recovery', { flight_ids: ['f-1'] }),
    command('return_home', {}),
    command('return_home_cancel', {}),
    command('flighttask_create', {
      flight_id: 'f-1',
      type: 'wayline',
      file: { url: 'https://files.example/f.kmz', sign: 'abc' },
    }),
  ];

  it.each(valid.map((c) => [c.method, c]))('builds %s and round-trips it', (_method, cmd) => {
    const built = buildServiceCommand(cmd);
    if (!built.ok) throw new Error(built.error.message);
    expect(built.message.topic).toBe('thing/product/DOCK1/services');
    expect(JSON.parse(built.message.payload)).toEqual(built.message.envelope);

    const observed = normaliseDownlink(built.message.topic, built.message.payload);
    if (!observed.ok) throw new Error(observed.error.message);
    expect(observed.message).toMatchObject({
      family: 'services',
      method: cmd.method,
      tid: 'tid-1',
      bid: 'f-1',
      timestamp: NOW,
      needReply: false,
      known: true,
      flags: [],
    });
    // JSON drops `execute_time: undefined`; compare what actually went on the wire.
    expect(observed.message.data).toEqual(JSON.parse(built.message.payload).data);
  });

  const refused: [string, ServiceCommand<ServiceMethod>, string, string][] = [
    [
      'rth_altitude 10',
      command('flighttask_prepare', { ...prepare, rth_altitude: 10 }),
      'data.rth_altitude',
      'integer in 20..1500',
    ],
    [
      'rth_altitude 1501',
      command('flighttask_prepare', { ...prepare, rth_altitude: 1501 }),
      'data.rth_altitude',
      'integer in 20..1500',
    ],
    [
      'task_type 3',
      command('flighttask_prepare', { ...prepare, task_type: 3 as 0 }),
      'data.task_type',
      'one of 0|1|2',
    ],
    [
      'wayline_type 2',
      command('flighttask_prepare', { ...prepare, wayline_type: 2 as 0 }),
      'data.wayline_type',
      'one of 0|1',
    ],
    [
      'execute_time in seconds',
      command('flighttask_prepare', { ...prepare, execute_time: 1_700_000_000 }),
      'data.execute_time',
      '13-digit millisecond timestamp',
    ],
    [
      'execute_time missing for immediate',
      command('flighttask_prepare', { ...prepare, execute_time: undefined }),
      'data.execute_time',
      'required when task_type is 0 or 1',
    ],
    [
      'execute_time missing for timed',
      command('flighttask_prepare', { ...prepare, task_type: 1, execute_time: undefined }),
      'data.execute_time',
      'required when task_type is 0 or 1',
    ],
    [
      'ready_conditions missing for conditional',
      command('flighttask_prepare', { ...prepare, task_type: 2 }),
      'data.ready_conditions',
      'required when task_type is 2',
    ],
    [
      'ready window reversed',
      command('flighttask_prepare', {
        ...prepare,
        task_type: 2,
        ready_conditions: { battery_capacity: 50, begin_time: NOW + 1, end_time: NOW },
      }),
      'data.ready_conditions.end_time',
      'not before begin_time',
    ],
    [
      'battery_capacity 101',
      command('flighttask_prepare', {
        ...prepare,
        task_type: 2,
        ready_conditions: { battery_capacity: 101, begin_time: NOW, end_time: NOW },
      }),
      'data.ready_conditions.battery_capacity',
      'integer in 0..100',
    ],
    [
      'empty flight_id',
      command('flighttask_prepare', { ...prepare, flight_id: '' }),
      'data.flight_id',
      'non-empty string of at most 64 characters',
    ],
    [
      'ftp url',
      command('flighttask_prepare', {
        ...prepare,
        file: { url: 'ftp://x/a.kmz', fingerprint: 'a' },
      }),
      'data.file.url',
      'http(s) URL',
    ],
    [
      'empty fingerprint',
      command('flighttask_prepare', {
        ...prepare,
        file: { url: 'https://x/a.kmz', fingerprint: '' },
      }),
      'data.file.fingerprint',
      'non-empty string of at most 256 characters',
    ],
    [
      'out_of_control_action 3',
      command('flighttask_prepare', { ...prepare, out_of_control_action: 3 as 0 }),
      'data.out_of_control_action',
      'one of 0|1|2',
    ],
    [
      'rth_altitude as string',
      command('flighttask_prepare', { ...prepare, rth_altitude: '100' as unknown as number }),
      'data.rth_altitude',
      'integer in 20..1500',
    ],
    [
      'break_point progress 2',
      command('flighttask_prepare', {
        ...prepare,
        break_point: { index: 0, state: 0, progress: 2, wayline_id: 0 },
      }),
      'data.break_point.progress',
      'number in 0..1',
    ],
    [
      'simulate latitude 91',
      command('flighttask_prepare', {
        ...prepare,
        simulate_mission: { is_enable: 1, latitude: 91, longitude: 0 },
      }),
      'data.simulate_mission.latitude',
      'number in -90..90',
    ],
    [
      'execute without flight_id',
      command('flighttask_execute', {} as { flight_id: string }),
      'data.flight_id',
      'non-empty string of at most 64 characters',
    ],
    [
      'undo with no ids',
      command('flighttask_undo', { flight_ids: [] }),
      'data.flight_ids',
      'array of at least 1',
    ],
    [
      'pause with ids not an array',
      command('flighttask_pause', { flight_ids: 'f-1' as unknown as string[] }),
      'data.flight_ids',
      'array',
    ],
    [
      'empty tid',
      { ...command('return_home', {}), tid: '' },
      'tid',
      'non-empty string of at most 256 characters',
    ],
    [
      'timestamp in seconds',
      { ...command('return_home', {}), timestamp: 1_700_000_000 },
      'timestamp',
      '13-digit millisecond timestamp',
    ],
    [
      'SN with a wildcard',
      { ...command('return_home', {}), gatewaySn: 'DOCK+' },
      'gatewaySn',
      'no MQTT wildcards (+, #)',
    ],
    [
      'unknown method',
      { ...command('return_home', {}), method: 'toString' as 'return_home' },
      'method',
      'a service method of this library',
    ],
  ];

  it.each(refused)('refuses %s', (_name, cmd, path, rule) => {
    expect(buildServiceCommand(cmd)).toMatchObject({ ok: false, error: { path, rule } });
  });
});

describe('reply builders', () => {
  it('answers an event with the same tid/bid/method and round-trips', () => {
    const event = uplink('thing/product/DOCK1/events', {
      method: 'flighttask_progress',
      need_reply: 1,
      data: { result: 0, output: { status: 'ok' } },
    });
    const reply = buildEventsReply(event, NOW + 5);
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.message).toEqual({
      topic: 'thing/product/DOCK1/events_reply',
      envelope: {
        tid: 'ev-t',
        bid: 'ev-b',
        timestamp: NOW + 5,
        method: 'flighttask_progress',
        data: { result: 0 },
      },
      payload: reply.message.payload,
    });
    const observed = normaliseDownlink(reply.message.topic, reply.message.payload);
    expect(observed).toMatchObject({
      ok: true,
      message: { known: true, tid: 'ev-t', data: { result: 0 } },
    });
  });

  it('answers update_topo on status_reply', () => {
    const topo = uplink('sys/product/DOCK1/status', {
      method: 'update_topo',
      data: { domain: '3', sub_devices: [{ sn: 'DRONE1', domain: '0' }] },
    });
    const reply = buildStatusReply(topo, NOW);
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.message.topic).toBe('sys/product/DOCK1/status_reply');
    expect(JSON.parse(reply.message.payload)).toEqual({
      tid: 'ev-t',
      bid: 'ev-b',
      timestamp: NOW,
      method: 'update_topo',
      data: { result: 0 },
    });
    expect(normaliseDownlink(reply.message.topic, reply.message.payload)).toMatchObject({
      ok: true,
      message: { known: true, family: 'status_reply' },
    });
  });

  it('answers a method-less state push without a method', () => {
    const state = uplink('thing/product/DOCK1/state', { need_reply: 1, data: { mode_code: 1 } });
    const reply = buildStateReply(state, NOW);
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.message.envelope).toEqual({
      tid: 'ev-t',
      bid: 'ev-b',
      timestamp: NOW,
      data: { result: 0 },
    });
    expect(normaliseDownlink(reply.message.topic, reply.message.payload)).toMatchObject({
      ok: true,
      message: { family: 'state_reply', method: null, known: false },
    });
  });

  it('refuses crossed wires and bad results', () => {
    const event = uplink('thing/product/DOCK1/events', { method: 'hms', data: {} });
    expect(buildStatusReply(event, NOW)).toMatchObject({ ok: false, error: { path: 'family' } });
    expect(buildEventsReply(event, NOW, -1)).toMatchObject({
      ok: false,
      error: { path: 'data.result' },
    });
    expect(buildEventsReply(event, 1)).toMatchObject({ ok: false, error: { path: 'timestamp' } });
    expect(buildEventsReply({ ...event, method: null }, NOW)).toMatchObject({
      ok: false,
      error: { path: 'method' },
    });
  });

  it('builds requests_reply: file on success, bare code on refusal, nothing half-done', () => {
    const request = uplink('thing/product/DOCK1/requests', {
      method: 'flighttask_resource_get',
      data: { flight_id: 'f-1' },
    });
    const file = {
      url: 'https://files.example/f-1.kmz?Expires=1',
      fingerprint: 'd41d8cd98f00b204e9800998ecf8427e',
    };
    const ok = buildRequestsReply(request, NOW, { result: 0, output: { file } });
    if (!ok.ok) throw new Error(ok.error.message);
    expect(JSON.parse(ok.message.payload)).toEqual({
      tid: 'ev-t',
      bid: 'ev-b',
      timestamp: NOW,
      method: 'flighttask_resource_get',
      data: { result: 0, output: { file } },
    });
    expect(normaliseDownlink(ok.message.topic, ok.message.payload)).toMatchObject({
      ok: true,
      message: { known: true, data: { output: { file } } },
    });

    const refusal = buildRequestsReply(request, NOW, { result: 314013 });
    expect(refusal).toMatchObject({
      ok: true,
      message: { envelope: { data: { result: 314013 } } },
    });

    expect(buildRequestsReply(request, NOW, { result: 0 })).toMatchObject({
      ok: false,
      error: { path: 'data.output', rule: 'object' },
    });
    expect(
      buildRequestsReply(request, NOW, {
        result: 0,
        output: { file: { ...file, url: 'file:///etc/passwd' } },
      }),
    ).toMatchObject({ ok: false, error: { path: 'data.output.file.url', rule: 'http(s) URL' } });
  });
});
