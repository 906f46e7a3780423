// A consumed batch of commands is committed only once all of it went out, so a batch handled
// again (a redelivery, or the next owner after a crash) must neither lose nor duplicate a
// command: a still-pending one goes out again with its tid, a completed one not at all, and each
// dock's commands keep their queue order. Real Kafka, Redis and Mosquitto; the crash is a SIGKILL
// of a replica process in the middle of a stream of commands for many docks.
import { ChildProcess } from 'node:child_process';
import { encodeRecord } from '@dock/kafka';
import { eventually } from '../../support/eventually';
import type { DownlinkMessage } from './support/dock-simulator';
import { GatewayFixture } from './support/gateway-fixture';
import { StartedReplica, startReplica, testKafkaClient } from './support/gateway-harness';
import type { CollectedRecord } from './support/kafka-collector';
import { spawnReplica } from './support/spawn-replica';

jest.setTimeout(150_000);

const fixture = new GatewayFixture('it-gw-redeliver', { GATEWAY_COMMAND_TIMEOUT_MS: '60000' });
const { group, topics, run, dock, kafka } = fixture;
const children: ChildProcess[] = [];
const replicas: StartedReplica[] = [];
let counter = 0;

/** Commands for SNs in `silent` get no answer (they stay pending). */
const silent = new Set<string>();

interface QueuedCommand {
  readonly correlationId: string;
  readonly gatewaySn: string;
  readonly bid: string;
}

const newSn = (tag: string): string => fixture.newSn(tag);

/** Queues `perDock` commands for each dock, round by round, in produces of `chunk` records. */
async function queueCommands(sns: readonly string[], perDock: number): Promise<QueuedCommand[]> {
  const methods = ['return_home', 'return_home_cancel'];
  const records = Array.from({ length: perDock }, (_, round) => round).flatMap((round) =>
    sns.map((gatewaySn) => {
      counter += 1;
      return {
        schemaVersion: 1,
        correlationId: `${run}-c${counter}`,
        gatewaySn,
        method: methods[round % 2],
        bid: `${gatewaySn}-${round}`,
        data: {},
        requestedAt: Date.now(),
      };
    }),
  );
  for (let start = 0; start < records.length; start += 500) {
    await (
      await fixture.producerOf()
    ).send({
      topic: topics.commands,
      messages: records
        .slice(start, start + 500)
        .map((record) => encodeRecord(record.gatewaySn, record)),
    });
  }
  return records;
}

/** Whether `groupId` has committed every record of the commands topic. */
async function committedAll(groupId: string): Promise<boolean> {
  const admin = testKafkaClient('it-offsets').admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topics.commands);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topics.commands] });
    return ends.every(({ partition, offset }) => {
      const at = committed.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
      return offset === '0' || at === offset;
    });
  } finally {
    await admin.disconnect();
  }
}

function repliesFor(correlationId: string): CollectedRecord[] {
  return kafka.on(topics.commandReplies, (r) => r.value.correlationId === correlationId);
}

function received(sn: string): DownlinkMessage[] {
  return dock.downlink(`${sn}/services`);
}

beforeAll(async () => {
  await fixture.start([topics.commandReplies]);
  dock.answerCommands((command) => {
    if (silent.has(command.topic.split('/')[2])) return undefined;
    const { tid, bid, method } = command.json;
    return [{ tid, bid, method, timestamp: Date.now(), data: { result: 0 } }];
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(replicas.map((replica) => replica.runtime.stop()));
  await fixture.stop();
});

it('a batch handled again resends each pending command with its tid and skips completed ones', async () => {
  const answered = Array.from({ length: 10 }, () => newSn('R'));
  const quiet = Array.from({ length: 10 }, () => newSn('Q'));
  for (const sn of quiet) silent.add(sn);
  for (const sn of [...answered, ...quiet]) await dock.watch(sn);
  const first = await startReplica(group, 'a');
  replicas.push(first);
  const commands = await queueCommands([...answered, ...quiet], 2);
  const ofAnswered = commands.filter((c) => answered.includes(c.gatewaySn));
  await eventually(
    () => {
      for (const sn of quiet) expect(received(sn)).toHaveLength(2);
      expect(ofAnswered.filter((c) => repliesFor(c.correlationId).length !== 1)).toEqual([]);
    },
    { timeoutMs: 30_000 },
  );
  await first.runtime.stop();

  // The same records again, as a redelivery brings them: a group with no offsets yet.
  const againGroup = `${run}-commands-again`;
  const again = await startReplica(group, 'b', {
    GATEWAY_COMMANDS_GROUP_ID: againGroup,
    GATEWAY_SHARE_GROUP: `${run}-again`,
  });
  replicas.push(again);
  await eventually(
    async () => {
      for (const sn of quiet) expect(received(sn)).toHaveLength(4);
      expect(await committedAll(againGroup)).toBe(true);
    },
    { timeoutMs: 30_000 },
  );
  for (const sn of quiet) {
    const [a, b, resentA, resentB] = received(sn).map((m) => [m.json.bid, m.json.tid]);
    expect([resentA, resentB]).toEqual([a, b]);
  }
  // Completed: nothing sent again, no second reply record.
  expect(await again.metric('gateway_commands_sent_total')).toBe(quiet.length * 2);
  for (const sn of answered) expect(received(sn)).toHaveLength(2);
  expect(ofAnswered.filter((c) => repliesFor(c.correlationId).length !== 1)).toEqual([]);
  await again.runtime.stop();
});

it('loses no command and keeps every dock`s order when a replica is SIGKILLed mid-batch', async () => {
  // 150 docks × 6 commands: under the shared broker's queue limit for one subscriber (1,000
  // QoS 1 messages by default: more, and the simulated docks' client would lose some).
  const sns = Array.from({ length: 150 }, () => newSn('K'));
  for (const sn of sns) await dock.watch(sn);
  const ours = new Set(sns);
  /** What the docks got, per dock in order of receipt. */
  const byDock = (): Map<string, DownlinkMessage[]> => {
    const found = new Map<string, DownlinkMessage[]>();
    for (const message of dock.received) {
      const [, , sn, family] = message.topic.split('/');
      if (family !== 'services' || !ours.has(sn)) continue;
      found.set(sn, [...(found.get(sn) ?? []), message]);
    }
    return found;
  };
  const receivedCount = (): number =>
    [...byDock().values()].reduce((n, messages) => n + messages.length, 0);
  // A share group and consumer group of its own: the stopped replicas of the test before keep
  // their MQTT sessions for a while, and must not be handed this test's replies.
  const crashGroup = {
    ...group,
    env: {
      ...group.env,
      GATEWAY_COMMANDS_GROUP_ID: `${run}-crash`,
      GATEWAY_SHARE_GROUP: `${run}-crash`,
    },
  };
  await spawnReplica(crashGroup, 'k', children);
  const victim = children[children.length - 1];
  const commands = await queueCommands(sns, 6);
  // Kill while the stream is going out: some commands are at the docks, most are not yet.
  await eventually(() => expect(receivedCount()).toBeGreaterThanOrEqual(50), {
    timeoutMs: 60_000,
    intervalMs: 2,
  });
  const exited = new Promise((resolve) => victim.once('exit', resolve));
  victim.kill('SIGKILL');
  await exited;
  const atKill = receivedCount();
  // Restarted with the same instance id: its uncommitted batches come to it again.
  await spawnReplica(crashGroup, 'k', children);

  await eventually(
    () => expect(commands.filter((c) => repliesFor(c.correlationId).length !== 1)).toEqual([]),
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  expect(atKill).toBeLessThan(commands.length);
  const got = byDock();
  for (const sn of sns) {
    // Each command at least once; a second copy (sent before the kill, then again) keeps its
    // tid; in order of first receipt, the dock got its commands in queue order.
    const tidsByBid = new Map<string, Set<unknown>>();
    for (const m of got.get(sn) ?? []) {
      const bid = String(m.json.bid);
      tidsByBid.set(bid, (tidsByBid.get(bid) ?? new Set()).add(m.json.tid));
    }
    expect([...tidsByBid.keys()]).toEqual(Array.from({ length: 6 }, (_, i) => `${sn}-${i}`));
    for (const tids of tidsByBid.values()) expect(tids.size).toBe(1);
  }
  process.stdout.write(
    `downlink crash test: ${commands.length} commands, ${atKill} at the docks at the kill, ` +
      `${receivedCount() - commands.length} sent twice\n`,
  );
});
