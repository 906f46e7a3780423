import { normaliseDownlink, normaliseUplink, NormaliseResult } from './normalise';

const GW = 'DOCK1';
const topicOf = (family: string) => `thing/product/${GW}/${family}`;
const EVENTS = topicOf('events');

function payload(fields: Record<string, unknown>, drop: string[] = []): string {
  const message: Record<string, unknown> = {
    tid: 't-1',
    bid: 'b-1',
    timestamp: 1654070968655,
    ...fields,
  };
  for (const key of drop) delete message[key];
  return JSON.stringify(message);
}

const progress = (output: Record<string, unknown>) =>
  payload({
    method: 'flighttask_progress',
    data: {
      result: 0,
      output: { status: 'in_progress', progress: { current_step: 1, percent: 5 }, ...output },
    },
  });

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

type Case = [name: string, run: () => NormaliseResult, path: string, rule: string];

/** Malformed input, each refused with a precise path and rule (never an exception). */
const cases: Case[] = [
  ['not JSON', () => normaliseUplink(EVENTS, '{"tid": '), 'payload', 'valid JSON'],
  ['JSON array', () => normaliseUplink(EVENTS, '[1,2]'), 'payload', 'JSON object'],
  ['JSON number', () => normaliseUplink(EVENTS, '42'), 'payload', 'JSON object'],
  ['JSON null', () => normaliseUplink(EVENTS, 'null'), 'payload', 'JSON object'],
  ['JSON string', () => normaliseUplink(EVENTS, '"hi"'), 'payload', 'JSON object'],
  ['empty payload', () => normaliseUplink(EVENTS, Buffer.alloc(0)), 'payload', 'valid JSON'],
  [
    'payload neither Buffer nor string',
    () => normaliseUplink(EVENTS, 42 as unknown as string),
    'payload',
    'Buffer or string',
  ],
  [
    'oversized payload',
    () =>
      normaliseUplink(EVENTS, payload({ method: 'hms', data: { s: 'x'.repeat(200) } }), {
        maxPayloadBytes: 100,
      }),
    'payload',
    'payload of at most 100 bytes',
  ],
  [
    'oversized Buffer',
    () => normaliseUplink(EVENTS, Buffer.alloc(300_000, 0x20)),
    'payload',
    'payload of at most 262144 bytes',
  ],
  [
    'missing tid on an event',
    () => normaliseUplink(EVENTS, payload({ method: 'hms', data: {} }, ['tid'])),
    'tid',
    'non-empty string of at most 256 characters',
  ],
  [
    'empty tid on an event',
    () => normaliseUplink(EVENTS, payload({ tid: '', method: 'hms', data: {} })),
    'tid',
    'non-empty string of at most 256 characters',
  ],
  [
    'tid not a string',
    () => normaliseUplink(EVENTS, payload({ tid: 12, method: 'hms', data: {} })),
    'tid',
    'non-empty string of at most 256 characters',
  ],
  [
    'missing bid on a services_reply',
    () =>
      normaliseUplink(
        topicOf('services_reply'),
        payload({ method: 'return_home', data: { result: 0 } }, ['bid']),
      ),
    'bid',
    'string of at most 256 characters',
  ],
  [
    'osd asking for a reply without tid',
    () => normaliseUplink(topicOf('state'), payload({ need_reply: 1, data: {} }, ['tid'])),
    'tid',
    'non-empty string of at most 256 characters',
  ],
  [
    'timestamp not a number',
    () => normaliseUplink(EVENTS, payload({ timestamp: '1654070968655', method: 'hms', data: {} })),
    'timestamp',
    'non-negative number (ms since epoch)',
  ],
  [
    'negative timestamp',
    () => normaliseUplink(EVENTS, payload({ timestamp: -1, method: 'hms', data: {} })),
    'timestamp',
    'non-negative number (ms since epoch)',
  ],
  [
    'method missing on an event',
    () => normaliseUplink(EVENTS, payload({ data: {} })),
    'method',
    'non-empty string of at most 128 characters',
  ],
  [
    'need_reply 2',
    () => normaliseUplink(EVENTS, payload({ method: 'hms', need_reply: 2, data: {} })),
    'need_reply',
    'boolean or 0/1',
  ],
  [
    'gateway not a string',
    () => normaliseUplink(EVENTS, payload({ method: 'hms', gateway: 1, data: {} })),
    'gateway',
    'string',
  ],
  [
    'bad topic',
    () => normaliseUplink('thing/product/DOCK1', payload({ method: 'hms', data: {} })),
    'topic',
    'thing/product/{gw}/<family> or sys/product/{gw}/status[_reply]',
  ],
  [
    'unknown family',
    () => normaliseUplink('thing/product/DOCK1/property', payload({ data: {} })),
    'topic',
    'thing/product/{gw}/<family> or sys/product/{gw}/status[_reply]',
  ],
  [
    'downlink topic on the uplink path',
    () => normaliseUplink(topicOf('services'), payload({ method: 'return_home', data: {} })),
    'topic',
    'an uplink topic',
  ],
  [
    'uplink topic on the downlink path',
    () => normaliseDownlink(EVENTS, payload({ method: 'hms', data: {} })),
    'topic',
    'a downlink topic',
  ],
  [
    'SN with a wildcard',
    () => normaliseUplink('thing/product/DO+CK/events', payload({ method: 'hms', data: {} })),
    'topic.gateway_sn',
    'no MQTT wildcards (+, #)',
  ],
  [
    'SN with a slash (one level too many)',
    () => normaliseUplink('thing/product/DO/CK/events', payload({ method: 'hms', data: {} })),
    'topic',
    'thing/product/{gw}/<family> or sys/product/{gw}/status[_reply]',
  ],
  [
    'SN with a control character',
    () => normaliseUplink('thing/product/DO\u0001CK/events', payload({ method: 'hms', data: {} })),
    'topic.gateway_sn',
    'no whitespace or control characters',
  ],
  [
    'SN with NUL',
    () => normaliseUplink('thing/product/DO\u0000CK/events', payload({ method: 'hms', data: {} })),
    'topic.gateway_sn',
    'no whitespace or control characters',
  ],
  [
    'SN too long',
    () => normaliseUplink(`thing/product/${'A'.repeat(65)}/events`, payload({ data: {} })),
    'topic.gateway_sn',
    'gateway SN of at most 64 characters',
  ],
  [
    'percent 150',
    () => normaliseUplink(EVENTS, progress({ progress: { current_step: 21, percent: 150 } })),
    'data.output.progress.percent',
    'integer in 0..100',
  ],
  [
    'percent in the flat shape',
    () =>
      normaliseUplink(
        EVENTS,
        payload({
          method: 'flighttask_progress',
          data: { status: 'ok', progress: { current_step: 1, percent: -1 } },
        }),
      ),
    'data.progress.percent',
    'integer in 0..100',
  ],
  [
    'status not a string',
    () => normaliseUplink(EVENTS, progress({ status: 3 })),
    'data.output.status',
    'string',
  ],
  [
    'progress data without status',
    () => normaliseUplink(EVENTS, payload({ method: 'flighttask_progress', data: {} })),
    'data.status',
    'string',
  ],
  [
    'progress output not an object',
    () => normaliseUplink(EVENTS, payload({ method: 'flighttask_progress', data: { output: [] } })),
    'data.output',
    'object',
  ],
  [
    'break_point progress above 1',
    () =>
      normaliseUplink(
        EVENTS,
        progress({ ext: { break_point: { progress: 1.5, break_reason: 1 } } }),
      ),
    'data.output.ext.break_point.progress',
    'number in 0..1',
  ],
  [
    'current_step not numeric',
    () => normaliseUplink(EVENTS, progress({ progress: { current_step: 'x', percent: 1 } })),
    'data.output.progress.current_step',
    'integer',
  ],
  [
    'known event with array data',
    () => normaliseUplink(EVENTS, payload({ method: 'flighttask_ready', data: [] })),
    'data',
    'object',
  ],
  [
    'flight_ids not an array (flighttask_ready)',
    () =>
      normaliseUplink(EVENTS, payload({ method: 'flighttask_ready', data: { flight_ids: 'a' } })),
    'data.flight_ids',
    'array of strings',
  ],
  [
    'flight_ids not an array (flighttask_pause command)',
    () =>
      normaliseDownlink(
        topicOf('services'),
        payload({ method: 'flighttask_pause', data: { flight_ids: 'a' } }),
      ),
    'data.flight_ids',
    'array',
  ],
  [
    'reason not numeric',
    () =>
      normaliseUplink(
        EVENTS,
        payload({ method: 'device_exit_homing_notify', data: { action: 1, reason: 'x' } }),
      ),
    'data.reason',
    'integer',
  ],
  [
    'path point latitude out of range',
    () =>
      normaliseUplink(
        EVENTS,
        payload({
          method: 'return_home_info',
          data: { planned_path_points: [{ latitude: 91, longitude: 0, height: 0 }] },
        }),
      ),
    'data.planned_path_points[0].latitude',
    'number in -90..90',
  ],
  [
    'services_reply without result',
    () => normaliseUplink(topicOf('services_reply'), payload({ method: 'return_home', data: {} })),
    'data.result',
    'integer >= 0',
  ],
  [
    'return_home reply with numeric status',
    () =>
      normaliseUplink(
        topicOf('services_reply'),
        payload({ method: 'return_home', data: { result: 0, output: { status: 1 } } }),
      ),
    'data.output.status',
    'string',
  ],
  [
    'resource request without flight_id',
    () =>
      normaliseUplink(
        topicOf('requests'),
        payload({ method: 'flighttask_resource_get', data: { flight_id: '' } }),
      ),
    'data.flight_id',
    'non-empty string',
  ],
  [
    'update_topo without sub_devices',
    () =>
      normaliseUplink(
        'sys/product/DOCK1/status',
        payload({ method: 'update_topo', data: { domain: '3' } }),
      ),
    'data.sub_devices',
    'array',
  ],
  [
    'update_topo sub-device without sn',
    () =>
      normaliseUplink(
        'sys/product/DOCK1/status',
        payload({ method: 'update_topo', data: { sub_devices: [{ domain: 0 }] } }),
      ),
    'data.sub_devices[0].sn',
    'non-empty string',
  ],
  [
    'rth_altitude 10 in flighttask_prepare',
    () =>
      normaliseDownlink(
        topicOf('services'),
        payload({
          method: 'flighttask_prepare',
          data: {
            flight_id: 'f',
            task_type: 0,
            execute_time: 1654070968655,
            wayline_type: 0,
            file: { url: 'https://x.example/a.kmz', fingerprint: 'ab' },
            rth_altitude: 10,
            out_of_control_action: 0,
            exit_wayline_when_rc_lost: 0,
          },
        }),
      ),
    'data.rth_altitude',
    'integer in 20..1500',
  ],
  [
    'events_reply without result',
    () =>
      normaliseDownlink(
        topicOf('events_reply'),
        payload({ method: 'flighttask_progress', data: {} }),
      ),
    'data.result',
    'integer in 0..2147483647',
  ],
  [
    'deep nesting',
    () => normaliseUplink(EVENTS, `{"tid":"t","bid":"b","method":"hms","data":${nested(100)}}`),
    `data${'.a'.repeat(31)}`,
    'nesting depth at most 32',
  ],
  [
    'extremely deep nesting',
    () =>
      normaliseUplink(
        EVENTS,
        `{"tid":"t","bid":"b","method":"hms","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      ),
    `data${'[0]'.repeat(31)}`,
    'nesting depth at most 32',
  ],
  [
    '__proto__ key',
    () =>
      normaliseUplink(EVENTS, '{"tid":"t","bid":"b","method":"hms","data":{"__proto__":{"x":1}}}'),
    'data.__proto__',
    'no prototype-polluting keys (__proto__, constructor, prototype)',
  ],
  [
    'escaped __proto__ key at top level',
    () => normaliseUplink(EVENTS, '{"tid":"t","bid":"b","method":"hms","\\u005f_proto__":{}}'),
    '__proto__',
    'no prototype-polluting keys (__proto__, constructor, prototype)',
  ],
  [
    'constructor.prototype in an array',
    () =>
      normaliseUplink(
        EVENTS,
        '{"tid":"t","bid":"b","method":"hms","data":[{"constructor":{"prototype":{}}}]}',
      ),
    'data[0].constructor',
    'no prototype-polluting keys (__proto__, constructor, prototype)',
  ],
  [
    'number overflowing to Infinity',
    () => normaliseUplink(EVENTS, '{"tid":"t","bid":"b","method":"hms","data":{"x":1e400}}'),
    'data.x',
    'finite number',
  ],
  [
    'NaN literal',
    () => normaliseUplink(EVENTS, '{"tid":"t","bid":"b","method":"hms","data":NaN}'),
    'payload',
    'valid JSON',
  ],
];

describe('normaliseUplink / normaliseDownlink refuse malformed input', () => {
  it.each(cases)('%s', (_name, run, path, rule) => {
    const result = run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ path, rule });
    expect(result.error.message).toContain(rule);
  });

  it('truncates large received values', () => {
    const huge = 'x'.repeat(10_000);
    const result = normaliseUplink(EVENTS, payload({ tid: huge, method: 'hms', data: {} }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(String(result.error.received).length).toBeLessThan(200);
    expect(result.error.message.length).toBeLessThan(400);
  });
});

describe('normalise: decisions', () => {
  it('accepts a missing timestamp as null and flags it', () => {
    const result = normaliseUplink(EVENTS, payload({ method: 'hms', data: {} }, ['timestamp']));
    expect(result).toMatchObject({
      ok: true,
      message: { timestamp: null, flags: ['timestamp_missing'] },
    });
  });

  it('accepts osd without tid/bid (fire and forget) as empty strings', () => {
    const result = normaliseUplink(topicOf('osd'), JSON.stringify({ data: { mode_code: 1 } }));
    expect(result).toMatchObject({
      ok: true,
      message: { tid: '', bid: '', method: null, family: 'osd', known: false },
    });
  });

  it('passes unknown methods through untouched, even ones named like Object members', () => {
    for (const method of ['constructor', 'toString', 'hasOwnProperty', 'brand_new_event']) {
      const data = { anything: [1, { deep: true }] };
      const result = normaliseUplink(EVENTS, payload({ method, data }));
      expect(result).toMatchObject({ ok: true, message: { method, known: false, data } });
    }
  });

  it('flags a gateway field naming another dock', () => {
    const result = normaliseUplink(EVENTS, payload({ method: 'hms', gateway: 'OTHER', data: {} }));
    expect(result).toMatchObject({ ok: true, message: { flags: ['gateway_mismatch'] } });
  });

  it('accepts a UTF-8 BOM and Buffer payloads', () => {
    const text = `\ufeff${payload({ method: 'hms', data: {} })}`;
    expect(normaliseUplink(EVENTS, Buffer.from(text, 'utf8')).ok).toBe(true);
  });

  it('attaches raw only when asked', () => {
    const text = payload({ method: 'hms', data: {}, extra: 1 });
    const plain = normaliseUplink(EVENTS, text);
    const withRaw = normaliseUplink(EVENTS, text, { keepRaw: true });
    expect(plain.ok && plain.message.raw).toBe(undefined);
    expect(withRaw.ok && withRaw.message.raw).toEqual(JSON.parse(text));
  });

  it('reports update_topo with sub_devices [] (aircraft offline) as known', () => {
    const result = normaliseUplink(
      'sys/product/DOCK1/status',
      payload({ method: 'update_topo', data: { domain: '3', sub_devices: [] } }),
    );
    expect(result).toMatchObject({ ok: true, message: { family: 'status', known: true } });
  });

  it('never throws on garbage (seeded mutations of a real-looking message)', () => {
    const base = progress({ ext: { break_point: { progress: 0.5, latitude: 1 } } });
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const alphabet = '{}[]":,0123456789.-eE tfnul\\_ap';
    for (let i = 0; i < 3000; i++) {
      const chars = base.split('');
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * chars.length);
        chars[at] = alphabet[Math.floor(random() * alphabet.length)] ?? '';
      }
      const result = normaliseUplink(EVENTS, chars.join(''));
      expect(typeof result.ok).toBe('boolean');
    }
    expect(normaliseUplink(undefined as unknown as string, 'x').ok).toBe(false);
    expect(normaliseUplink(EVENTS, null as unknown as string).ok).toBe(false);
  });
});
