import type { Consumer, Kafka } from 'kafkajs';
import type { ConsumerSettings, RunningConsumer } from './message-bus';

export interface KafkaRunningConsumer extends RunningConsumer {
  consumer: Consumer;
}

export async function startConsumer(
  kafka: Kafka,
  settings: ConsumerSettings,
): Promise<KafkaRunningConsumer> {
  const commit = settings.commit ?? true;
  const sessionTimeout = settings.sessionTimeoutMs ?? 10_000;
  const heartbeatInterval = Math.max(500, Math.floor(sessionTimeout / 5));
  const consumer = kafka.consumer({
    groupId: settings.groupId,
    sessionTimeout,
    rebalanceTimeout: sessionTimeout * 2,
    heartbeatInterval,
    allowAutoTopicCreation: false,
    ...(settings.maxWaitTimeMs === undefined ? {} : { maxWaitTimeInMs: settings.maxWaitTimeMs }),
  });
  // Listen before run(): the join may happen before run() resolves.
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
  });
  // A crash is otherwise silent: say whether kafkajs restarts the consumer or gives up, because
  // a consumer that gave up leaves its partitions unhandled while the process looks healthy.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    settings.logger.error(
      { err: payload.error, groupId: payload.groupId, restart: payload.restart },
      payload.restart
        ? 'consumer crashed; kafkajs restarts it'
        : 'consumer crashed and will not restart: this group no longer handles its records',
    );
    if (!payload.restart) settings.onGiveUp?.(payload.error);
  });
  await consumer.connect();
  try {
    for (const topic of settings.topics) {
      await subscribeWhenKnown(consumer, topic, settings.fromBeginning ?? commit, settings.groupId);
    }
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 1,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const records = batch.messages.map((message) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        message,
      }));
      // A big batch on a loaded machine can take longer than the session timeout: keep telling
      // the coordinator we are alive, or it evicts this member mid-batch and the commit after
      // it fails (kafkajs then gives up on the consumer for good).
      const keepAlive = setInterval(() => {
        heartbeat().catch(() => undefined); // a failed beat surfaces at the commit below
      }, heartbeatInterval);
      try {
        await settings.handleBatch(records, { highWatermark: batch.highWatermark });
      } catch (error) {
        settings.logger.error(
          {
            err: error,
            topic: batch.topic,
            partition: batch.partition,
            firstOffset: batch.firstOffset(),
          },
          'batch handling failed; it will be redelivered',
        );
        throw error;
      } finally {
        clearInterval(keepAlive);
      }
      const last = batch.messages[batch.messages.length - 1].offset;
      resolveOffset(last);
      if (!commit || isStale()) return;
      try {
        await consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(last) + 1n).toString(),
          },
        ]);
      } catch (error) {
        if (!isLostMembership(error)) throw error;
        // The group moved on without us (evicted, or rebalanced while we handled the batch):
        // the partition's new owner gets these records again (handlers are idempotent), and
        // kafkajs rejoins at its next heartbeat. Throwing here would make it give up instead.
        settings.logger.warn(
          { err: error, topic: batch.topic, partition: batch.partition, lastOffset: last },
          'offset commit refused after a rebalance; the records will be handled again',
        );
        return;
      }
      await heartbeat();
    },
  });
  return {
    consumer,
    joined,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}

/** How long a just-created topic may take to show up in the metadata of every broker. */
const TOPIC_PROPAGATION_MS = 5_000;

/**
 * Subscribes, waiting a little for a topic that was created a moment ago (its metadata reaches
 * the brokers asynchronously). A topic that stays unknown is an operator's error: say which
 * topic and group, instead of kafkajs's "This server does not host this topic-partition".
 */
async function subscribeWhenKnown(
  consumer: Consumer,
  topic: string,
  fromBeginning: boolean,
  groupId: string,
): Promise<void> {
  const deadline = Date.now() + TOPIC_PROPAGATION_MS;
  for (;;) {
    try {
      await consumer.subscribe({ topic, fromBeginning });
      return;
    } catch (error) {
      if (!isUnknownTopic(error)) throw error;
      if (Date.now() >= deadline) {
        throw new Error(
          `consumer group "${groupId}" cannot subscribe to topic "${topic}": it does not exist ` +
            '(topics are created by the services at start unless create-topics is off, ' +
            "then by the deployment's topics job)",
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Errors that mean this member no longer owns the partition (kafkajs error types). */
const LOST_MEMBERSHIP = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
]);

/** Looks through kafkajs's wrappers (a retrier re-throws the protocol error as its cause). */
export function isLostMembership(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (LOST_MEMBERSHIP.has(String((e as { type?: unknown }).type))) return true;
    e =
      (e as { cause?: unknown; originalError?: unknown }).cause ??
      (e as { originalError?: unknown }).originalError;
  }
  return false;
}

function isUnknownTopic(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION'
  );
}
