import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_PARTITIONS, KAFKA_TOPICS } from '@dock/contracts';

/**
 * The Kafka topics are shared by every run on the broker (their names are the contract), and
 * they keep what earlier runs wrote. A service started with a brand-new consumer group would
 * read all of it from the beginning (tens of thousands of records after a few test runs),
 * and a fresh gateway would even send old runs' commands to docks that no longer exist.
 *
 * So before the services start, the run's new groups are given committed offsets at the
 * current end of each topic: they start with what this run produces, and nothing of this
 * run's can be missed (unlike `latest`, which would skip what is written before a group joins).
 */

export interface GroupTopics {
  readonly groupId: string;
  readonly topics: readonly string[];
}

export const ALL_CONTRACT_TOPICS: readonly string[] = [
  ...Object.values(KAFKA_TOPICS.uplink),
  KAFKA_TOPICS.deadLetter,
  KAFKA_TOPICS.commands,
  KAFKA_TOPICS.commandReplies,
  KAFKA_TOPICS.requestReplies,
  KAFKA_TOPICS.taskEvents,
];

/** Creates the missing contract topics (as the services would) and pins `groups` to their ends. */
export async function startGroupsAtTopicEnds(
  brokers: readonly string[],
  groups: readonly GroupTopics[],
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'e2e-harness',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = ALL_CONTRACT_TOPICS.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: DEFAULT_PARTITIONS[topic] ?? 3,
          replicationFactor: -1,
        })),
      });
    }
    const ends = new Map<string, { partition: number; offset: string }[]>();
    for (const topic of new Set(groups.flatMap((group) => group.topics))) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(
        topic,
        offsets.map(({ partition, high }) => ({ partition, offset: high })),
      );
    }
    // admin.setOffsets waits out a whole fetch (5 s) per group and topic; joining each group
    // once and committing is as safe (the groups are new, nobody else is in them) and quick.
    await Promise.all(groups.map((group) => commitAt(kafka, group, ends)));
  } finally {
    await admin.disconnect();
  }
}

async function commitAt(
  kafka: Kafka,
  group: GroupTopics,
  ends: ReadonlyMap<string, readonly { partition: number; offset: string }[]>,
): Promise<void> {
  const consumer = kafka.consumer({
    groupId: group.groupId,
    allowAutoTopicCreation: false,
    // disconnect() waits for the fetch in flight: keep it short.
    maxWaitTimeInMs: 100,
  });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...group.topics], fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    await joined;
    await consumer.commitOffsets(
      group.topics.flatMap((topic) =>
        (ends.get(topic) ?? []).map(({ partition, offset }) => ({ topic, partition, offset })),
      ),
    );
  } finally {
    await consumer.disconnect();
  }
}
