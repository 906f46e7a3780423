import { ConsumerConfig, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { KAFKA_TOPICS } from '@dock/contracts';

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export function benchKafka(clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8 },
  });
}

/** The contract's topic names under a per-run prefix, so bench runs never meet other traffic. */
export interface BenchTopics {
  uplink: {
    events: string;
    services_reply: string;
    requests: string;
    osd: string;
    state: string;
    status: string;
  };
  deadLetter: string;
  commands: string;
  commandReplies: string;
  requestReplies: string;
  taskEvents: string;
  deviceEvents: string;
}

export function benchTopics(prefix: string): BenchTopics {
  const p = (topic: string): string => `${prefix}.${topic}`;
  const u = KAFKA_TOPICS.uplink;
  return {
    uplink: {
      events: p(u.events),
      services_reply: p(u.services_reply),
      requests: p(u.requests),
      osd: p(u.osd),
      state: p(u.state),
      status: p(u.status),
    },
    deadLetter: p(KAFKA_TOPICS.deadLetter),
    commands: p(KAFKA_TOPICS.commands),
    commandReplies: p(KAFKA_TOPICS.commandReplies),
    requestReplies: p(KAFKA_TOPICS.requestReplies),
    taskEvents: p(KAFKA_TOPICS.taskEvents),
    deviceEvents: p(KAFKA_TOPICS.deviceEvents),
  };
}

/**
 * The environment every service under test starts with: the run's topics, its HTTP port, and no
 * authentication (the bench sends no token; development mode allows that).
 */
export function serviceUnderTestEnv(topics: BenchTopics, port: number): Record<string, string> {
  return {
    BENCH_ARGS: JSON.stringify({ topics }),
    HTTP_PORT: String(port),
    AUTH_DISABLED: 'true',
    NODE_ENV: 'development',
  };
}

export async function createTopics(
  kafka: Kafka,
  specs: { topic: string; numPartitions: number }[],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: specs.map((s) => ({ ...s, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopicsWithPrefix(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  } catch {
    /* best effort: a leftover topic costs disk only */
  } finally {
    await admin.disconnect();
  }
}

export interface TopicCount {
  /** Records read. */
  records: number;
  /** Distinct tids with the run's prefix. */
  distinct: number;
  /** Records whose tid was seen before (duplicates). */
  duplicates: number;
  firstTs: number;
  lastTs: number;
  /** Records per second of producer (CreateTime) timestamp. */
  perSecond: Map<number, number>;
}

const TID_PATTERN = /"tid":"([^"]+)"/;

/** Each partition's end offset now (`topic/partition` -> high watermark). */
async function endOffsets(kafka: Kafka, topics: string[]): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      ends.set(`${topic}/${p.partition}`, Number(p.high));
    }
  }
  await admin.disconnect();
  return ends;
}

/**
 * Reads every record of the topics from the beginning up to their end when called (records
 * written later are not waited for), handing each to `each` in partition order.
 */
async function readToEnd(
  kafka: Kafka,
  topics: string[],
  consumerConfig: ConsumerConfig,
  each: (topic: string, message: KafkaMessage) => void,
): Promise<void> {
  const ends = await endOffsets(kafka, topics);
  const remaining = new Set([...ends].filter(([, high]) => high > 0).map(([key]) => key));
  if (remaining.size === 0) return;
  const consumer = kafka.consumer(consumerConfig);
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}/${batch.partition}`;
          const high = ends.get(key) ?? 0;
          for (const message of batch.messages) {
            if (Number(message.offset) >= high) break;
            each(batch.topic, message);
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last && Number(last.offset) >= high - 1) remaining.delete(key);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
}

/**
 * Reads topics from the beginning to their current end and counts the distinct tids starting
 * with `tidPrefix` (header `tid` when present, else the JSON value's tid).
 */
export async function countTids(
  kafka: Kafka,
  topics: string[],
  tidPrefix: string,
): Promise<TopicCount> {
  const seen = new Set<string>();
  const count: TopicCount = {
    records: 0,
    distinct: 0,
    duplicates: 0,
    firstTs: Number.POSITIVE_INFINITY,
    lastTs: 0,
    perSecond: new Map(),
  };
  const consumerConfig = {
    groupId: `bench-count-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    maxBytes: 64 * 1024 * 1024,
    maxBytesPerPartition: 16 * 1024 * 1024,
  };
  await readToEnd(kafka, topics, consumerConfig, (_topic, message) => {
    count.records++;
    const header = message.headers?.tid;
    let tid = header === undefined ? undefined : String(header);
    if (tid === undefined && message.value) {
      tid = TID_PATTERN.exec(message.value.toString('utf8', 0, 200))?.[1];
    }
    if (!tid || !tid.startsWith(tidPrefix)) return;
    if (seen.has(tid)) {
      count.duplicates++;
      return;
    }
    seen.add(tid);
    const ts = Number(message.timestamp);
    count.firstTs = Math.min(count.firstTs, ts);
    count.lastTs = Math.max(count.lastTs, ts);
    const second = Math.floor(ts / 1000);
    count.perSecond.set(second, (count.perSecond.get(second) ?? 0) + 1);
  });
  count.distinct = seen.size;
  return count;
}

/** Reads every record of the topics up to their current end (small topics: diagnostics). */
export async function readAll(
  kafka: Kafka,
  topics: string[],
): Promise<{ topic: string; timestamp: number; value: string }[]> {
  const out: { topic: string; timestamp: number; value: string }[] = [];
  const consumerConfig = { groupId: `bench-read-${Date.now()}-${Math.random()}` };
  await readToEnd(kafka, topics, consumerConfig, (topic, m) => {
    out.push({
      topic,
      timestamp: Number(m.timestamp),
      value: m.value?.toString('utf8') ?? '',
    });
  });
  return out;
}

/** Total lag of a consumer group over topics (end offset minus committed offset). */
export async function groupLag(
  kafka: Kafka,
  groupId: string,
  topics: string[],
): Promise<{ lag: number; committed: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let lag = 0;
    let committed = 0;
    const groupOffsets = await admin.fetchOffsets({ groupId, topics });
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const mine = groupOffsets.find((g) => g.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const at = Number(mine.find((m) => m.partition === end.partition)?.offset ?? '-1');
        const done = at < 0 ? 0 : at;
        committed += done;
        lag += Number(end.high) - done;
      }
    }
    return { lag, committed };
  } finally {
    await admin.disconnect();
  }
}
