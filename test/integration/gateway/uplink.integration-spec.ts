// Uplink through a real gateway replica: every uplink method of the spec in every shape, the
// recorded Dock 3 flight, every reply the gateway owes, and garbage landing in the dead letter
// while valid traffic flows. Real Mosquitto, Kafka and Redis; topics of this run only.
import { KAFKA_TOPICS } from '@dock/contracts';
import { readRecording, readSpecExamples } from '../../../libs/protocol/test/shared-files';
import { REQUEST_UNANSWERED_RESULT } from '../../../apps/gateway/src/domain/requests/request-replies';
import { eventually } from '../../support/eventually';
import { AsyncApiContract } from '../../support/asyncapi-contract';
import { GatewayFixture } from './support/gateway-fixture';
import { StartedReplica, startReplica } from './support/gateway-harness';
import type { CollectedRecord } from './support/kafka-collector';

jest.setTimeout(90_000);

const fixture = new GatewayFixture('it-gw-up', { GATEWAY_REQUEST_TIMEOUT_MS: '1500' });
const { group, topics, run, dock, kafka } = fixture;
const contract = new AsyncApiContract();
let replica: StartedReplica;

/** A dock SN of this run: `R<run>-<n>` (valid charset, unique). */
const newSn = (): string => fixture.newSn('R');

function forSn(sn: string) {
  return (record: CollectedRecord) => record.key === sn;
}

const expectContract = (records: CollectedRecord[]): void => fixture.expectContract(records);

beforeAll(async () => {
  await fixture.start([...Object.values(topics.uplink), topics.deadLetter]);
  replica = await startReplica(group, 'a');
});

afterAll(async () => {
  await replica?.runtime.stop();
  await fixture.stop();
});

describe('every uplink method of the spec, in every shape', () => {
  const examples = readSpecExamples().filter((example) =>
    /\/(events|services_reply|requests)$/.test(example.topic),
  );

  it('has the 12 uplink examples of dock-wayline-mqtt.md', () => {
    expect(examples).toHaveLength(12);
  });

  it.each(examples.map((example) => [example.index, example.topic, example.method, example]))(
    'example %i (%s %s) reaches Kafka normalised, with its headers',
    async (_index, _topic, method, example) => {
      const sn = newSn();
      await dock.watch(sn);
      const topic = example.topic.replace('SN_DOCK_SPEC', sn);
      const family = topic.split('/')[3] as 'events' | 'services_reply' | 'requests';
      const tid = (JSON.parse(example.json) as { tid: string }).tid;
      await dock.publish(topic, example.json);

      const [record] = await eventually(() => {
        const found = kafka.on(topics.uplink[family], forSn(sn));
        expect(found).toHaveLength(1);
        return found;
      });
      expect(record.value).toMatchObject({ gatewaySn: sn, family, method, tid, known: true });
      expect(record.headers).toMatchObject({ tid, method, family, 'schema-version': '1' });
      expectContract([record]);
      expect(kafka.on(topics.deadLetter, forSn(sn))).toEqual([]);
    },
  );

  const progress = (data: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      tid: `tid-${Math.random()}`,
      bid: 'flight-1',
      timestamp: Date.now(),
      method: 'flighttask_progress',
      data,
      ...extra,
    });

  const shapes: [string, string, 'events' | 'state' | 'osd' | 'status', (sn: string) => string][] =
    [
      [
        'flighttask_progress, nested shape (real docks)',
        'events',
        'events',
        () =>
          progress({
            result: 0,
            output: { status: 'in_progress', progress: { current_step: 49, percent: 10 } },
          }),
      ],
      [
        'flighttask_progress, flat shape (the spec table)',
        'events',
        'events',
        () => progress({ status: 'ok', progress: { current_step: 0xfffff, percent: 100 } }),
      ],
      [
        'an event with "timestamp:" and need_reply "1"',
        'events',
        'events',
        () =>
          JSON.stringify({
            tid: 't-colon',
            bid: 'b',
            'timestamp:': Date.now(),
            method: 'flighttask_ready',
            need_reply: '1',
            data: { flight_ids: ['f1'] },
          }),
      ],
      [
        'device_exit_homing_notify with enum ints as strings and an unlisted sn',
        'events',
        'events',
        (sn) =>
          JSON.stringify({
            tid: 't-exit',
            bid: 'b',
            timestamp: Date.now(),
            method: 'device_exit_homing_notify',
            data: { action: '1', reason: '0', sn },
          }),
      ],
      [
        'an unknown event method (newer firmware), array data',
        'events',
        'events',
        () =>
          JSON.stringify({
            tid: 't-new',
            bid: 'b',
            timestamp: Date.now(),
            method: 'airsense_warning',
            data: [{ icao: 'x' }],
          }),
      ],
      [
        'update_topo online',
        'status',
        'status',
        () =>
          JSON.stringify({
            tid: 't-topo',
            bid: 'b',
            timestamp: Date.now(),
            method: 'update_topo',
            data: { sub_devices: [{ sn: 'DRONE1', device_secret: 's' }] },
          }),
      ],
      [
        'update_topo offline (no sub-devices)',
        'status',
        'status',
        () =>
          JSON.stringify({
            tid: 't-topo-off',
            bid: 'b',
            timestamp: Date.now(),
            method: 'update_topo',
            data: { sub_devices: [] },
          }),
      ],
      [
        'osd push without method, tid or bid',
        'osd',
        'osd',
        () => JSON.stringify({ timestamp: Date.now(), data: { job_number: 3 } }),
      ],
      [
        'state push without method',
        'state',
        'state',
        () =>
          JSON.stringify({ tid: 's1', bid: 'b', timestamp: Date.now(), data: { mode_code: 1 } }),
      ],
      [
        'state push asking for a reply',
        'state',
        'state',
        () =>
          JSON.stringify({
            tid: 's2',
            bid: 'b',
            timestamp: Date.now(),
            need_reply: 1,
            data: { firmware: '1' },
          }),
      ],
    ];

  it.each(shapes)('%s reaches Kafka', async (_name, topicFamily, family, payload) => {
    const sn = newSn();
    const root = topicFamily === 'status' ? 'sys' : 'thing';
    await dock.publish(`${root}/product/${sn}/${topicFamily}`, payload(sn));
    const [record] = await eventually(() => {
      const found = kafka.on(topics.uplink[family], forSn(sn));
      expect(found).toHaveLength(1);
      return found;
    });
    expectContract([record]);
    expect(kafka.on(topics.deadLetter, forSn(sn))).toEqual([]);
  });
});

describe('replies the gateway owes the dock', () => {
  it('events_reply for need_reply true and 1 (known and unknown methods), none otherwise', async () => {
    const sn = newSn();
    await dock.watch(sn);
    const event = (tid: string, method: string, needReply: unknown) =>
      JSON.stringify({
        tid,
        bid: 'b1',
        timestamp: Date.now(),
        method,
        ...(needReply === undefined ? {} : { need_reply: needReply }),
        data: {
          result: 0,
          output: { status: 'in_progress', progress: { current_step: 1, percent: 1 } },
        },
      });
    await dock.publish(`thing/product/${sn}/events`, event('e-true', 'flighttask_progress', true));
    await dock.publish(`thing/product/${sn}/events`, event('e-one', 'flighttask_progress', 1));
    await dock.publish(
      `thing/product/${sn}/events`,
      event('e-new', 'release_terminal_control_area', 1),
    );
    await dock.publish(`thing/product/${sn}/events`, event('e-zero', 'flighttask_progress', 0));
    await dock.publish(
      `thing/product/${sn}/events`,
      event('e-absent', 'flighttask_progress', undefined),
    );

    await eventually(() => expect(kafka.on(topics.uplink.events, forSn(sn))).toHaveLength(5));
    const replies = await eventually(() => {
      const found = dock.downlink(`${sn}/events_reply`);
      expect(found).toHaveLength(3);
      return found;
    });
    expect(replies.map((r) => r.json.tid).sort()).toEqual(['e-new', 'e-one', 'e-true']);
    for (const reply of replies) {
      expect(reply.json).toMatchObject({ bid: 'b1', data: { result: 0 } });
      expect(reply.json.method).toBe(
        reply.json.tid === 'e-new' ? 'release_terminal_control_area' : 'flighttask_progress',
      );
    }
  });

  it('status_reply for update_topo and state_reply when a state push asks', async () => {
    const sn = newSn();
    await dock.watch(sn);
    await dock.publish(
      `sys/product/${sn}/status`,
      JSON.stringify({
        tid: 'st-1',
        bid: 'b',
        timestamp: Date.now(),
        method: 'update_topo',
        data: { sub_devices: [] },
      }),
    );
    await dock.publish(
      `thing/product/${sn}/state`,
      JSON.stringify({
        tid: 'sr-1',
        bid: 'b',
        timestamp: Date.now(),
        need_reply: true,
        data: { x: 1 },
      }),
    );
    const [status] = await eventually(() => {
      const found = dock.downlink(`${sn}/status_reply`);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(status.json).toMatchObject({
      tid: 'st-1',
      bid: 'b',
      method: 'update_topo',
      data: { result: 0 },
    });
    const [state] = await eventually(() => {
      const found = dock.downlink(`${sn}/state_reply`);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(state.json).toMatchObject({ tid: 'sr-1', bid: 'b', data: { result: 0 } });
  });

  it('requests_reply with the answering service`s data, through Kafka', async () => {
    const sn = newSn();
    await dock.watch(sn);
    await dock.publish(
      `thing/product/${sn}/requests`,
      JSON.stringify({
        tid: 'rq-1',
        bid: 'flight-9',
        timestamp: Date.now(),
        method: 'flighttask_resource_get',
        data: { flight_id: 'flight-9' },
      }),
    );
    const [request] = await eventually(() => {
      const found = kafka.on(topics.uplink.requests, forSn(sn));
      expect(found).toHaveLength(1);
      return found;
    });
    // Plays the file service: answers from what it read on the requests topic.
    await produceRequestReply({
      schemaVersion: 1,
      gatewaySn: sn,
      tid: String(request.value.tid),
      bid: String(request.value.bid),
      method: 'flighttask_resource_get',
      data: {
        result: 0,
        output: { file: { url: 'https://files.example/w.kmz?sig=1', fingerprint: 'abc123' } },
      },
      answeredAt: Date.now(),
      answeredBy: 'test',
    });
    const [reply] = await eventually(() => {
      const found = dock.downlink(`${sn}/requests_reply`);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(reply.json).toMatchObject({
      tid: 'rq-1',
      bid: 'flight-9',
      method: 'flighttask_resource_get',
      data: {
        result: 0,
        output: { file: { url: 'https://files.example/w.kmz?sig=1', fingerprint: 'abc123' } },
      },
    });
  });

  it('requests_reply with 314013 when nobody answers in time; a late answer is not sent', async () => {
    const sn = newSn();
    await dock.watch(sn);
    await dock.publish(
      `thing/product/${sn}/requests`,
      JSON.stringify({
        tid: 'rq-late',
        bid: 'f',
        timestamp: Date.now(),
        method: 'flighttask_resource_get',
        data: { flight_id: 'f' },
      }),
    );
    const [reply] = await eventually(() => {
      const found = dock.downlink(`${sn}/requests_reply`);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(reply.json).toMatchObject({
      tid: 'rq-late',
      data: { result: REQUEST_UNANSWERED_RESULT },
    });

    const orphansBefore = await replica.metric('gateway_orphan_replies_total', { kind: 'request' });
    await produceRequestReply({
      schemaVersion: 1,
      gatewaySn: sn,
      tid: 'rq-late',
      bid: 'f',
      method: 'flighttask_resource_get',
      data: {
        result: 0,
        output: { file: { url: 'https://files.example/late.kmz', fingerprint: 'f' } },
      },
      answeredAt: Date.now(),
    });
    await eventually(async () =>
      expect(await replica.metric('gateway_orphan_replies_total', { kind: 'request' })).toBe(
        orphansBefore + 1,
      ),
    );
    expect(dock.downlink(`${sn}/requests_reply`)).toHaveLength(1);
  });
});

describe('the recorded Dock 3 flight', () => {
  it('reaches Kafka message for message, nothing dead-lettered, every asked events_reply sent', async () => {
    const sn = newSn();
    await dock.watch(sn);
    const lines = [
      ...readRecording('dock-events.jsonl'),
      ...readRecording('dock-osd.jsonl'),
      ...readRecording('dock-state.jsonl'),
      ...readRecording('dock-services_reply.jsonl'),
    ];
    const expected = { events: 0, osd: 0, state: 0, services_reply: 0 } as Record<string, number>;
    const asked = new Set<string>();
    let askedCount = 0;
    for (const line of lines) {
      const family = line.topic.split('/')[3];
      expected[family] += 1;
      const needReply = line.parsed.need_reply;
      if (family === 'events' && (needReply === 1 || needReply === true)) {
        asked.add(String(line.parsed.tid));
        askedCount += 1;
      }
      await dock.publish(line.topic.replace('SN_DOCK_FIXTURE', sn), line.payload);
    }
    // 22 events ask for a reply (the recording's cloud answered only 10 of them); some reuse a tid.
    expect(askedCount).toBe(22);
    await eventually(
      () => {
        for (const [family, count] of Object.entries(expected)) {
          expect([family, kafka.on(topics.uplink[family as 'events'], forSn(sn)).length]).toEqual([
            family,
            count,
          ]);
        }
      },
      { timeoutMs: 30_000 },
    );
    expect(kafka.on(topics.deadLetter, forSn(sn))).toEqual([]);
    expectContract(kafka.records.filter(forSn(sn)));
    const replied = await eventually(() => {
      const found = dock.downlink(`${sn}/events_reply`);
      expect(found).toHaveLength(22);
      return found;
    });
    expect(new Set(replied.map((r) => String(r.json.tid)))).toEqual(asked);
  });
});

describe('garbage', () => {
  it('lands in the dead-letter topic with raw payload, topic and reason, while valid traffic flows', async () => {
    const sn = newSn();
    await dock.watch(sn);
    const deadBefore = await replica.metric('gateway_uplink_dead_lettered_total');
    const valid = (i: number) =>
      JSON.stringify({
        tid: `ok-${i}`,
        bid: 'b',
        timestamp: Date.now(),
        method: 'hms',
        data: { list: [] },
      });
    const deep = JSON.stringify({
      tid: 'd',
      bid: 'b',
      timestamp: 1,
      method: 'hms',
      data: JSON.parse('['.repeat(40) + ']'.repeat(40)),
    });
    const garbage: [string, string, Buffer | string, string][] = [
      ['not JSON', `thing/product/${sn}/events`, 'not json {', 'not_json'],
      [
        'binary',
        `thing/product/${sn}/osd`,
        Buffer.from([0xff, 0x00, 0x13, 0x37]),
        'invalid_unicode',
      ],
      [
        'a lone surrogate, reply asked',
        `thing/product/${sn}/events`,
        '{"tid":"u-lone","bid":"b","timestamp":1,"method":"hms","need_reply":1,"data":{"list":"\\ud800"}}',
        'invalid_unicode',
      ],
      [
        'bytes that are not UTF-8',
        `thing/product/${sn}/events`,
        Buffer.concat([
          Buffer.from('{"tid":"u-bytes","bid":"b","timestamp":1,"method":"hms","data":{"n":"'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"}}'),
        ]),
        'invalid_unicode',
      ],
      ['a JSON array', `thing/product/${sn}/events`, '[1,2,3]', 'not_json'],
      [
        'oversized',
        `thing/product/${sn}/osd`,
        JSON.stringify({ data: 'x'.repeat(300 * 1024) }),
        'oversized',
      ],
      ['a bad SN', `thing/product/bad!sn-${run}/events`, valid(0), 'bad_sn'],
      ['an SN too long', `thing/product/${'L'.repeat(65)}${run}/events`, valid(0), 'bad_sn'],
      [
        'an event without tid',
        `thing/product/${sn}/events`,
        JSON.stringify({ bid: 'b', timestamp: 1, method: 'hms', data: {} }),
        'invalid_envelope',
      ],
      [
        'need_reply "maybe"',
        `thing/product/${sn}/events`,
        JSON.stringify({
          tid: 't',
          bid: 'b',
          timestamp: 1,
          method: 'hms',
          need_reply: 'maybe',
          data: {},
        }),
        'invalid_envelope',
      ],
      [
        'progress percent 200',
        `thing/product/${sn}/events`,
        JSON.stringify({
          tid: 't',
          bid: 'b',
          timestamp: 1,
          method: 'flighttask_progress',
          data: {
            result: 0,
            output: { status: 'ok', progress: { current_step: 1, percent: 200 } },
          },
        }),
        'invalid_data',
      ],
      [
        'a __proto__ key',
        `thing/product/${sn}/events`,
        '{"tid":"t","bid":"b","timestamp":1,"method":"hms","data":{"__proto__":{"x":1}}}',
        'unsafe_json',
      ],
      ['nesting 40 deep', `thing/product/${sn}/events`, deep, 'unsafe_json'],
      [
        '1e400',
        `thing/product/${sn}/events`,
        '{"tid":"t","bid":"b","timestamp":1,"method":"hms","data":{"v":1e400}}',
        'unsafe_json',
      ],
    ];
    let i = 0;
    for (const [, topic, payload] of garbage) {
      await dock.publish(topic, payload);
      await dock.publish(`thing/product/${sn}/events`, valid(++i));
    }
    const mine = (record: CollectedRecord) =>
      String(record.value.topic).includes(run) || String(record.value.topic).includes(sn);
    const dead = await eventually(
      () => {
        const found = kafka.on(topics.deadLetter, (r) => mine(r) && garbageIndex(r) >= 0);
        expect(found).toHaveLength(garbage.length);
        return found;
      },
      { timeoutMs: 20_000 },
    );
    function garbageIndex(record: CollectedRecord): number {
      const raw = Buffer.from(String(record.value.payloadBase64), 'base64');
      return garbage.findIndex(([, topic, payload]) => {
        const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
        return record.value.topic === topic && bytes.subarray(0, raw.length).equals(raw);
      });
    }
    for (const record of dead) {
      const [name, , payload, reason] = garbage[garbageIndex(record)];
      const size = Buffer.isBuffer(payload) ? payload.length : Buffer.byteLength(payload);
      expect([name, record.value.size]).toEqual([name, size]);
      expect(record.value.reason).toEqual(
        expect.objectContaining({ path: expect.any(String), rule: expect.any(String) }),
      );
      void reason;
    }
    expectContract(dead);
    await eventually(() =>
      expect(kafka.on(topics.uplink.events, forSn(sn))).toHaveLength(garbage.length),
    );
    await eventually(async () =>
      expect(await replica.metric('gateway_uplink_dead_lettered_total')).toBe(
        deadBefore + garbage.length,
      ),
    );
    for (const [, , , reason] of garbage) {
      expect(
        await replica.metric('gateway_uplink_dead_lettered_total', { reason }),
      ).toBeGreaterThan(0);
    }
    // Refused, yet the dock that asked for a reply is told so (a non-zero result), not left waiting.
    const refusals = await eventually(() => {
      const found = dock.downlink(`${sn}/events_reply`).filter((r) => r.json.tid === 'u-lone');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(refusals[0].json).toMatchObject({ bid: 'b', method: 'hms', data: { result: 1 } });
  });
});

/** Writes a dock.request-replies record as the file service does, checked against the contract. */
async function produceRequestReply(value: {
  gatewaySn: string;
  tid: string;
  method: string;
  [field: string]: unknown;
}): Promise<void> {
  const message = await fixture.sendRequestReply(value);
  expect(
    contract.check(KAFKA_TOPICS.requestReplies, {
      key: String(message.key),
      headers: headersOf(message.headers),
      value,
    }),
  ).toEqual([]);
}

function headersOf(headers: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
}
