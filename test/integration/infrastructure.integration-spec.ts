// Proves the real services the integration and e2e suites rely on answer, with the features the
// apps use. Started by `node scripts/infra.js up` (npm run test:integration does it first).
import { Admin, Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import Redis from 'ioredis';
import mqtt, { MqttClient } from 'mqtt';
import { Client } from 'pg';
import { eventually } from '../support/eventually';
import { infraSettings, uniqueName } from '../support/infra-settings';

// Per-project `testTimeout` in jest.config.js is not applied by jest 29 (it warns "Unknown
// option"), so the default 5 s would apply: set it here.
jest.setTimeout(60_000);

describe('infrastructure', () => {
  describe('PostgreSQL', () => {
    let client: Client;

    beforeAll(async () => {
      client = new Client({ connectionString: infraSettings.databaseUrl });
      await client.connect();
    });

    afterAll(async () => {
      await client?.end();
    });

    it('answers queries and runs DDL/DML in a temp table', async () => {
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);

      const table = uniqueName('it_infra', '_');
      await client.query(`CREATE TEMP TABLE ${table} (id serial PRIMARY KEY, name text NOT NULL)`);
      try {
        const inserted = await client.query<{ id: number }>(
          `INSERT INTO ${table} (name) VALUES ($1), ($2) RETURNING id`,
          ['dock-1', 'dock-2'],
        );
        expect(inserted.rowCount).toBe(2);
        const { rows: names } = await client.query<{ name: string }>(
          `SELECT name FROM ${table} ORDER BY id`,
        );
        expect(names.map((r) => r.name)).toEqual(['dock-1', 'dock-2']);
      } finally {
        await client.query(`DROP TABLE ${table}`);
      }
      const { rows: left } = await client.query('SELECT to_regclass($1) AS t', [
        `pg_temp.${table}`,
      ]);
      expect(left).toEqual([{ t: null }]);
    });
  });

  describe('Redis', () => {
    let redis: Redis;

    beforeAll(() => {
      redis = new Redis(infraSettings.redisUrl, { maxRetriesPerRequest: 1 });
    });

    afterAll(async () => {
      await redis?.quit();
    });

    it('sets with PX/NX, takes atomically with GETDEL and expires keys', async () => {
      const key = uniqueName('it:infra:lock');
      expect(await redis.set(key, 'owner-a', 'PX', 10_000, 'NX')).toBe('OK');
      expect(await redis.set(key, 'owner-b', 'PX', 10_000, 'NX')).toBeNull();
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(10_000);

      expect(await redis.getdel(key)).toBe('owner-a');
      expect(await redis.exists(key)).toBe(0);

      await redis.set(key, 'short-lived', 'PX', 100);
      await eventually(async () => expect(await redis.exists(key)).toBe(0), { timeoutMs: 5000 });
    });

    it('runs Lua atomically (compare-and-delete lock release)', async () => {
      const key = uniqueName('it:infra:lua');
      const release =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
      await redis.set(key, 'owner-a', 'PX', 10_000);
      try {
        expect(await redis.eval(release, 1, key, 'owner-b')).toBe(0);
        expect(await redis.get(key)).toBe('owner-a');
        expect(await redis.eval(release, 1, key, 'owner-a')).toBe(1);
        expect(await redis.exists(key)).toBe(0);
      } finally {
        await redis.del(key);
      }
    });
  });

  describe('Mosquitto (MQTT 5)', () => {
    const clients: MqttClient[] = [];

    async function connect(name: string): Promise<MqttClient> {
      const client = await mqtt.connectAsync(infraSettings.mqttUrl, {
        protocolVersion: 5,
        clientId: uniqueName(`it-infra-${name}`),
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 5000,
      });
      clients.push(client);
      return client;
    }

    afterAll(async () => {
      await Promise.all(clients.map((c) => c.endAsync()));
    });

    it('delivers QoS 1 messages to a shared subscription, each to one member', async () => {
      const base = `it/infra/${uniqueName('shared')}`;
      const filter = `$share/${uniqueName('g')}/${base}/#`;
      const received: { member: string; topic: string; payload: string; qos: number }[] = [];

      for (const member of ['a', 'b']) {
        const subscriber = await connect(`sub-${member}`);
        subscriber.on('message', (topic, payload, packet) => {
          received.push({ member, topic, payload: payload.toString(), qos: packet.qos });
        });
        const granted = await subscriber.subscribeAsync(filter, { qos: 1 });
        expect(granted.map((g) => g.qos)).toEqual([1]);
      }

      const publisher = await connect('pub');
      const payloads = ['m1', 'm2', 'm3', 'm4'].map((m) => `${m}-${Date.now()}`);
      for (const [i, payload] of payloads.entries()) {
        // publishAsync resolves on PUBACK for QoS 1.
        await publisher.publishAsync(`${base}/dock-${i}/osd`, payload, { qos: 1 });
      }

      await eventually(() => expect(received).toHaveLength(payloads.length), { timeoutMs: 5000 });
      // Shared subscription: every message reaches exactly one member of the group, at QoS 1.
      // (Order across the two members is not defined, so compare as sets.)
      expect(received.map((r) => r.payload).sort()).toEqual([...payloads].sort());
      expect(received.every((r) => r.qos === 1)).toBe(true);
      for (const { topic, payload } of received) {
        expect(topic).toBe(`${base}/dock-${payloads.indexOf(payload)}/osd`);
      }
    });
  });

  describe('Kafka', () => {
    const kafka = new Kafka({
      clientId: 'it-infra',
      brokers: infraSettings.kafkaBrokers,
      logLevel: logLevel.ERROR,
      connectionTimeout: 3000,
      retry: { initialRetryTime: 100, retries: 8 },
    });
    const topic = uniqueName('it-infra-topic');
    const groupId = uniqueName('it-infra-group');
    const partitions = 3;
    let admin: Admin;
    let producer: Producer;
    const consumers: Consumer[] = [];

    type Received = { partition: number; offset: string; value: string };

    /** Starts a consumer in `groupId` with manual commits; collects what it receives. */
    async function startConsumer(received: Received[]): Promise<Consumer> {
      const consumer = kafka.consumer({
        groupId,
        // Small timeouts: joins/leaves in a test should take milliseconds, not the defaults' seconds.
        sessionTimeout: 6000, // broker minimum (group.min.session.timeout.ms)
        rebalanceTimeout: 6000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 100,
        retry: { initialRetryTime: 100, retries: 8 },
      });
      consumers.push(consumer);
      await consumer.connect();
      // fromBeginning only applies without a committed offset: the second consumer proves that.
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          received.push({ partition, offset: message.offset, value: message.value!.toString() });
        },
      });
      return consumer;
    }

    async function produce(prefix: string, count: number): Promise<string[]> {
      const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
      await producer.send({
        topic,
        acks: -1,
        // Explicit partitions: every partition gets messages of each batch (see the resume check).
        messages: values.map((value, i) => ({
          key: `dock-${i}`,
          value,
          partition: i % partitions,
        })),
      });
      return values;
    }

    beforeAll(async () => {
      admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
    });

    afterAll(async () => {
      await Promise.allSettled(consumers.map((c) => c.disconnect()));
      await producer?.disconnect();
      if (admin) {
        await admin.deleteGroups([groupId]).catch(() => undefined);
        await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
        await admin.disconnect();
      }
    });

    it('resumes a consumer group from its committed offsets', async () => {
      const first = await produce('old', 9);

      // 1. Consume everything, then commit manually (autoCommit is off).
      const receivedFirst: Received[] = [];
      const consumer1 = await startConsumer(receivedFirst);
      await eventually(() => expect(receivedFirst).toHaveLength(first.length), {
        timeoutMs: 20_000,
      });
      expect(receivedFirst.map((r) => r.value).sort()).toEqual([...first].sort());

      const next = new Map<number, bigint>();
      for (const { partition, offset } of receivedFirst) {
        const after = BigInt(offset) + 1n;
        if (after > (next.get(partition) ?? 0n)) next.set(partition, after);
      }
      await consumer1.commitOffsets(
        [...next].map(([partition, offset]) => ({ topic, partition, offset: offset.toString() })),
      );
      await consumer1.disconnect();

      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(
        committed[0].partitions
          .map(({ partition, offset }) => ({ partition, offset }))
          .sort((a, b) => a.partition - b.partition),
      ).toEqual(
        [...next]
          .map(([partition, offset]) => ({ partition, offset: offset.toString() }))
          .sort((a, b) => a.partition - b.partition),
      );

      // 2. More messages while nobody consumes.
      const second = await produce('new', 6);

      // 3. A new member of the same group starts at the committed offsets: only the new messages.
      const receivedSecond: Received[] = [];
      await startConsumer(receivedSecond);
      await eventually(() => expect(receivedSecond).toHaveLength(second.length), {
        timeoutMs: 20_000,
      });
      // Within a partition old messages precede new ones, and every partition got new ones, so any
      // replayed old message would have arrived before the new ones we just waited for.
      expect(receivedSecond.map((r) => r.value).sort()).toEqual([...second].sort());
      for (const { partition, offset } of receivedSecond) {
        expect(BigInt(offset)).toBeGreaterThanOrEqual(next.get(partition)!);
      }
    });
  });
});
