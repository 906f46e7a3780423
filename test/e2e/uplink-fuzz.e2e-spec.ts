// Issue 16: fuzzing the MQTT uplink must never stall a consumer. Hostile and malformed
// payloads (text that is not valid Unicode, bad UTF-8, NUL escapes PostgreSQL refuses, deep
// nesting, polluting keys, wrong types, truncated and oversized JSON, random bytes) are
// published, mixed with valid progress reports of the same docks, through Mosquitto -> gateway
// -> Kafka -> the four built services. Every valid report must be stored, and every consumer
// group of the run must catch up with everything written (lag back to 0).
import { Admin, Kafka, logLevel } from 'kafkajs';
import mqtt, { MqttClient } from 'mqtt';
import { infraSettings } from '../support/infra-settings';
import { eventually } from '../support/eventually';
import { DistributedSystem, startDistributedSystem } from './support/distributed-system';

jest.setTimeout(300_000);

/** Seeded, so a failure can be replayed: FUZZ_SEED=<n> npx jest test/e2e/uplink-fuzz ... */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const DOCKS = 4;
const VALID_PER_DOCK = 15;
const HOSTILE = 240;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Publication {
  readonly topic: string;
  readonly payload: Buffer;
  readonly kind: string;
}

type Hostile = (sn: string, n: number, random: () => number) => Publication;

const events = (sn: string) => `thing/product/${sn}/events`;

function progress(sn: string, tid: string, percent: number, extra: object = {}): object {
  return {
    tid,
    bid: `${sn}-FZ`,
    timestamp: 1_700_000_000_000 + percent * 1_000,
    method: 'flighttask_progress',
    need_reply: 1,
    data: {
      result: 0,
      output: {
        status: 'in_progress',
        progress: { current_step: 21, percent },
        ext: {
          current_waypoint_index: 0,
          wayline_mission_state: 6,
          media_count: 0,
          flight_id: `${sn}-FZ`,
          track_id: 'track',
          ...extra,
        },
      },
    },
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const raw = (text: string) => Buffer.from(text);

/** Each makes one hostile payload for a dock; n makes its tid unique. */
const HOSTILES: Record<string, Hostile> = {
  loneSurrogateValue: (sn, n) =>
    pub(
      events(sn),
      raw(JSON.stringify(progress(sn, `h${n}`, 1)).replace('"track"', '"\\ud800"')),
      'loneSurrogateValue',
    ),
  loneSurrogateKey: (sn, n) =>
    pub(
      events(sn),
      raw(JSON.stringify(progress(sn, `h${n}`, 1)).replace('"track_id"', '"\\udfff"')),
      'loneSurrogateKey',
    ),
  badUtf8: (sn, n) =>
    pub(
      events(sn),
      Buffer.concat([
        raw(JSON.stringify(progress(sn, `h${n}`, 1)).slice(0, -5)),
        Buffer.from([0xc3, 0x28, 0xff]),
        raw('"}}}}'),
      ]),
      'badUtf8',
    ),
  // Valid Unicode the gateway forwards, but PostgreSQL refuses in text and jsonb: records that
  // reach the consumers, in front of the dock's valid reports.
  nulEscape: (sn, n) =>
    pub(events(sn), json(progress(sn, `h${n}`, 2, { note: 'a\u0000b' })), 'nulEscape'),
  deepNesting: (sn, n) =>
    pub(
      events(sn),
      raw(
        `{"tid":"h${n}","bid":"b","timestamp":1,"method":"hms","data":${'['.repeat(60)}${']'.repeat(60)}}`,
      ),
      'deepNesting',
    ),
  hugeNumber: (sn, n) =>
    pub(
      events(sn),
      raw(`{"tid":"h${n}","bid":"b","timestamp":1,"method":"hms","data":{"v":1e400}}`),
      'hugeNumber',
    ),
  protoKey: (sn, n) =>
    pub(
      events(sn),
      raw(
        `{"tid":"h${n}","bid":"b","timestamp":1,"method":"hms","data":{"__proto__":{"admin":true}}}`,
      ),
      'protoKey',
    ),
  wrongTypes: (sn, n) =>
    pub(
      events(sn),
      json({ ...progress(sn, `h${n}`, 3), timestamp: 'yesterday', need_reply: 'maybe' }),
      'wrongTypes',
    ),
  percentOutOfRange: (sn, n) =>
    pub(events(sn), json(progress(sn, `h${n}`, 250)), 'percentOutOfRange'),
  truncated: (sn, n, random) => {
    const whole = JSON.stringify(progress(sn, `h${n}`, 4));
    return pub(events(sn), raw(whole.slice(0, Math.floor(random() * whole.length))), 'truncated');
  },
  randomBytes: (sn, _n, random) =>
    pub(
      `thing/product/${sn}/${random() < 0.5 ? 'osd' : 'state'}`,
      Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)),
      ),
      'randomBytes',
    ),
  oversized: (sn, n) =>
    pub(events(sn), json(progress(sn, `h${n}`, 5, { blob: 'x'.repeat(300 * 1024) })), 'oversized'),
  unknownMethod: (sn, n) =>
    pub(
      events(sn),
      json({
        tid: `h${n}`,
        bid: 'b',
        timestamp: 1,
        method: `fuzz_${n}`,
        need_reply: 1,
        data: { a: [null, {}, 'é'] },
      }),
      'unknownMethod',
    ),
  topoGarbage: (sn, n) =>
    pub(
      `sys/product/${sn}/status`,
      json({
        tid: `h${n}`,
        bid: 'b',
        timestamp: 1,
        method: 'update_topo',
        data: { sub_devices: 'nope', domain: {} },
      }),
      'topoGarbage',
    ),
  topoNul: (sn, n) =>
    pub(
      `sys/product/${sn}/status`,
      json({
        tid: `h${n}`,
        bid: 'b',
        timestamp: 1,
        method: 'update_topo',
        data: {
          domain: '0',
          type: 119,
          sub_type: 0,
          device_secret: '\u0000',
          nonce: 'n',
          thing_version: '1',
          sub_devices: [],
        },
      }),
      'topoNul',
    ),
  resourceRequest: (sn, n, random) =>
    pub(
      `thing/product/${sn}/requests`,
      json({
        tid: `h${n}`,
        bid: 'b',
        timestamp: 1,
        method: 'flighttask_resource_get',
        data: { flight_id: random() < 0.5 ? '\u0000' : `../../${'x'.repeat(100)}` },
      }),
      'resourceRequest',
    ),
  emptyPayload: (sn) => pub(events(sn), Buffer.alloc(0), 'emptyPayload'),
};

function pub(topic: string, payload: Buffer, kind: string): Publication {
  return { topic, payload, kind };
}

describe('fuzzing the MQTT uplink stalls no consumer', () => {
  let system: DistributedSystem;
  let client: MqttClient;
  let admin: Admin;
  const random = prng(SEED);

  beforeAll(async () => {
    system = await startDistributedSystem({ logLevel: 'warn' });
    client = await mqtt.connectAsync(system.mqttUrl, {
      protocolVersion: 5,
      clientId: `${system.snPrefix}-fuzzer`,
      clean: true,
      reconnectPeriod: 0,
    });
    admin = new Kafka({
      clientId: `${system.snPrefix}-fuzz-admin`,
      brokers: infraSettings.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await client?.endAsync().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await system?.stop();
  });

  it(`stores every valid report and every group catches up (seed ${SEED})`, async () => {
    const docks = Array.from({ length: DOCKS }, (_, i) => `${system.snPrefix}FZ${i}`);
    const publications: Publication[] = [];
    const expected = new Map<string, string[]>();
    for (const sn of docks) {
      for (let i = 1; i <= VALID_PER_DOCK; i++) {
        const tid = `${sn}-v${i}`;
        expected.set(sn, [...(expected.get(sn) ?? []), tid]);
        // Valid, with text the gateway must keep as it is.
        publications.push(
          pub(events(sn), json(progress(sn, tid, i, { label: `航线 😁 ${i}` })), 'valid'),
        );
      }
    }
    const kinds = Object.keys(HOSTILES);
    for (let n = 0; n < HOSTILE; n++) {
      // Every kind at least once, then at random.
      const kind = n < kinds.length ? kinds[n] : kinds[Math.floor(random() * kinds.length)];
      const sn = docks[Math.floor(random() * docks.length)];
      publications.push(HOSTILES[kind](sn, n, random));
    }
    // Shuffle, keeping each dock's valid reports in order (the timeline is checked in order).
    const shuffled = publications
      .map((p, index) => ({ p, key: p.kind === 'valid' ? index : random() * publications.length }))
      .sort((a, b) => a.key - b.key)
      .map(({ p }) => p);
    for (const { topic, payload } of shuffled) {
      await client.publishAsync(topic, payload, { qos: 1 });
    }

    // Every valid report reaches telemetry, for every dock, poison records notwithstanding.
    const { baseUrl, token } = system.telemetryApi;
    for (const sn of docks) {
      await eventually(
        async () => {
          const response = await fetch(`${baseUrl}/flights/${sn}-FZ/progress?limit=1000`, {
            headers: { authorization: `Bearer ${token}` },
          });
          const body = (await response.json()) as { items?: { tid: string }[] };
          expect((body.items ?? []).map((item) => item.tid).sort()).toEqual(
            [...(expected.get(sn) ?? [])].sort(),
          );
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      ).catch((error: unknown) => {
        system.keepLogs();
        throw new Error(
          `${String(error)}\n${system.diagnostics?.(['error', 'dead-letter'], 40) ?? ''}`,
        );
      });
    }

    // Every group of the run has committed everything written to its topics up to now.
    const ends = new Map<string, Map<number, bigint>>();
    const topics = [...new Set(system.consumerGroups.flatMap((group) => group.topics))];
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
    await eventually(
      async () => {
        const behind: string[] = [];
        for (const { groupId, topics: groupTopics } of system.consumerGroups) {
          for (const { topic, partitions } of await admin.fetchOffsets({
            groupId,
            topics: [...groupTopics],
          })) {
            for (const { partition, offset } of partitions) {
              const end = ends.get(topic)?.get(partition) ?? 0n;
              const committed = BigInt(offset);
              if (committed < end)
                behind.push(`${groupId} ${topic}[${partition}] lag ${end - committed}`);
            }
          }
        }
        expect(behind).toEqual([]);
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );

    // Nothing is left stuck: every service with consumers reports ready.
    for (const api of [system.telemetryApi, system.missionApi, system.fileApi]) {
      const ready = await fetch(`${api.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
    }
  });
});
