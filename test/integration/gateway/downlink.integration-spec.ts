// Downlink through two gateway replicas sharing the load: commands out with a fresh tid and a
// pending entry in Redis, services_reply matched at whichever replica gets it, exactly one
// outcome per command (replied, timeout or invalid), duplicates and late replies dropped.
import { CommandRecord } from '@dock/contracts';
import { encodeRecord } from '@dock/kafka';
import { eventually } from '../../support/eventually';
import type { DownlinkMessage } from './support/dock-simulator';
import { GatewayFixture } from './support/gateway-fixture';
import { StartedReplica, startReplica } from './support/gateway-harness';
import type { CollectedRecord } from './support/kafka-collector';

jest.setTimeout(90_000);

const fixture = new GatewayFixture('it-gw-down', { GATEWAY_COMMAND_TIMEOUT_MS: '20000' });
const { group, topics, run, dock, kafka } = fixture;
let replicas: StartedReplica[] = [];
let counter = 0;

const newSn = (): string => fixture.newSn('D');

function repliesFor(correlationId: string): CollectedRecord[] {
  return kafka.on(topics.commandReplies, (r) => r.value.correlationId === correlationId);
}

async function sendCommand(
  command: Partial<CommandRecord> & { gatewaySn: string },
): Promise<string> {
  counter += 1;
  const record = {
    schemaVersion: 1,
    correlationId: `${run}-c${counter}`,
    method: 'flighttask_execute',
    bid: `flight-${counter}`,
    data: { flight_id: `flight-${counter}` },
    requestedAt: Date.now(),
    ...command,
  };
  await (
    await fixture.producerOf()
  ).send({
    topic: topics.commands,
    messages: [encodeRecord(record.gatewaySn, record)],
  });
  return record.correlationId;
}

function okReply(command: DownlinkMessage): Record<string, unknown> {
  return {
    tid: command.json.tid,
    bid: command.json.bid,
    timestamp: Date.now(),
    method: command.json.method,
    data: { result: 0 },
  };
}

const expectContract = (records: CollectedRecord[]): void => fixture.expectContract(records);

async function totalMetric(name: string, labels?: Record<string, string>): Promise<number> {
  const values = await Promise.all(replicas.map((replica) => replica.metric(name, labels)));
  return values.reduce((sum, value) => sum + value, 0);
}

/** Commands for SNs in `silent` get no answer; `twice` get their reply two times. */
const silent = new Set<string>();
const twice = new Set<string>();

beforeAll(async () => {
  await fixture.start([topics.commandReplies, topics.uplink.services_reply]);
  replicas = await Promise.all([startReplica(group, 'a'), startReplica(group, 'b')]);
  dock.answerCommands((command) => {
    const sn = command.topic.split('/')[2];
    if (silent.has(sn)) return undefined;
    const reply = okReply(command);
    return twice.has(sn) ? [reply, reply] : [reply];
  });
});

afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.runtime.stop()));
  await fixture.stop();
});

it('sends each command with a fresh tid; replies matched at either replica, one record each', async () => {
  const sns = Array.from({ length: 12 }, () => newSn());
  for (const sn of sns) await dock.watch(sn);
  const ids = await Promise.all(sns.map((gatewaySn) => sendCommand({ gatewaySn })));

  const replies = await eventually(
    () => {
      const found = ids.map((id) => repliesFor(id));
      expect(found.map((r) => r.length)).toEqual(ids.map(() => 1));
      return found.map(([record]) => record);
    },
    { timeoutMs: 30_000 },
  );

  const sentTids = sns.map((sn) => dock.downlink(`${sn}/services`)[0].json.tid);
  expect(new Set(sentTids).size).toBe(sns.length);
  for (const record of replies) {
    expect(record.value).toMatchObject({
      outcome: 'replied',
      result: 0,
      method: 'flighttask_execute',
    });
    expect(sentTids).toContain(record.value.tid);
    expect(record.value.roundTripMs).toEqual(expect.any(Number));
  }
  // Mosquitto shares round-robin over both replicas' connections: some replies reached the
  // replica that did not send the command, and were matched there through Redis.
  expect(replies.some((record) => record.value.sentBy !== record.value.completedBy)).toBe(true);
  expectContract(replies);
});

it('keeps the queue order of one dock`s commands', async () => {
  const sn = newSn();
  await dock.watch(sn);
  const methods = ['flighttask_pause', 'flighttask_recovery', 'return_home', 'return_home_cancel'];
  const ids: string[] = [];
  for (const [i, method] of methods.entries()) {
    ids.push(await sendCommand({ gatewaySn: sn, method, bid: `order-${i}`, data: {} }));
  }
  await eventually(() => expect(dock.downlink(`${sn}/services`)).toHaveLength(methods.length));
  expect(dock.downlink(`${sn}/services`).map((m) => m.json.method)).toEqual(methods);
  await eventually(() => expect(ids.map((id) => repliesFor(id).length)).toEqual([1, 1, 1, 1]));
});

it('keeps each dock`s order when the commands of many docks share a batch', async () => {
  // 40 docks × 5 commands, queued round by round in one produce: each partition's batch
  // interleaves many docks, whose commands the gateway sends concurrently.
  const sns = Array.from({ length: 40 }, () => newSn());
  for (const sn of sns) await dock.watch(sn);
  const methods = ['return_home', 'return_home_cancel'];
  const records = [0, 1, 2, 3, 4].flatMap((round) =>
    sns.map((gatewaySn) => {
      counter += 1;
      return {
        schemaVersion: 1,
        correlationId: `${run}-c${counter}`,
        gatewaySn,
        method: methods[round % 2],
        bid: `${gatewaySn}-round-${round}`,
        data: {},
        requestedAt: Date.now(),
      };
    }),
  );
  await (
    await fixture.producerOf()
  ).send({
    topic: topics.commands,
    messages: records.map((record) => encodeRecord(record.gatewaySn, record)),
  });

  await eventually(
    () => {
      for (const sn of sns) expect(dock.downlink(`${sn}/services`)).toHaveLength(5);
    },
    { timeoutMs: 30_000 },
  );
  for (const sn of sns) {
    expect(dock.downlink(`${sn}/services`).map((m) => m.json.bid)).toEqual(
      [0, 1, 2, 3, 4].map((round) => `${sn}-round-${round}`),
    );
  }
  await eventually(
    () => expect(records.filter((r) => repliesFor(r.correlationId).length !== 1)).toEqual([]),
    { timeoutMs: 30_000 },
  );
});

it('writes exactly one timeout record when no reply comes; a late reply is not forwarded', async () => {
  const sn = newSn();
  silent.add(sn);
  await dock.watch(sn);
  const id = await sendCommand({ gatewaySn: sn, timeoutMs: 800 });
  const [record] = await eventually(() => {
    const found = repliesFor(id);
    expect(found).toHaveLength(1);
    return found;
  });
  expect(record.value).toMatchObject({ outcome: 'timeout', result: null, gatewaySn: sn });
  expectContract([record]);

  const orphans = await totalMetric('gateway_orphan_replies_total', { kind: 'command' });
  const [command] = dock.downlink(`${sn}/services`);
  await dock.publish(`thing/product/${sn}/services_reply`, JSON.stringify(okReply(command)));
  await eventually(async () =>
    expect(await totalMetric('gateway_orphan_replies_total', { kind: 'command' })).toBe(
      orphans + 1,
    ),
  );
  // Both sweepers kept running meanwhile: still exactly one record.
  await eventually(() =>
    expect(kafka.on(topics.uplink.services_reply, (r) => r.key === sn)).toHaveLength(1),
  );
  expect(repliesFor(id)).toHaveLength(1);
});

it('forwards a duplicated services_reply once', async () => {
  const sn = newSn();
  twice.add(sn);
  await dock.watch(sn);
  const orphans = await totalMetric('gateway_orphan_replies_total', { kind: 'command' });
  const id = await sendCommand({ gatewaySn: sn });
  await eventually(async () => {
    expect(repliesFor(id)).toHaveLength(1);
    expect(await totalMetric('gateway_orphan_replies_total', { kind: 'command' })).toBe(
      orphans + 1,
    );
  });
  // Both copies are in the raw uplink topic; only one became a command reply.
  expect(kafka.on(topics.uplink.services_reply, (r) => r.key === sn)).toHaveLength(2);
  expect(repliesFor(id)[0].value).toMatchObject({ outcome: 'replied', result: 0 });
});

it('refuses invalid commands with an invalid record, never sending them', async () => {
  const sn = newSn();
  await dock.watch(sn);
  const unknown = await sendCommand({ gatewaySn: sn, method: 'camera_aim', data: {} });
  const badData = await sendCommand({
    gatewaySn: sn,
    method: 'flighttask_prepare',
    data: { flight_id: 'f', task_type: 0, rth_altitude: 5 },
  });
  const badSn = await sendCommand({ gatewaySn: 'bad/sn' });
  const malformedId = `${run}-malformed`;
  await (
    await fixture.producerOf()
  ).send({
    topic: topics.commands,
    messages: [
      encodeRecord(sn, { correlationId: malformedId, gatewaySn: sn, method: 'return_home' }),
    ],
  });
  const records = await eventually(() => {
    const found = [unknown, badData, badSn, malformedId].map((id) => repliesFor(id));
    expect(found.map((r) => r.length)).toEqual([1, 1, 1, 1]);
    return found.map(([record]) => record);
  });
  for (const record of records) {
    expect(record.value).toMatchObject({ outcome: 'invalid', tid: null, sentAt: null });
    expect(record.value.error).toEqual(expect.any(String));
  }
  expect(records[1].value.error).toMatch(/^data\./);
  expectContract(records);
  expect(dock.downlink(`${sn}/services`)).toEqual([]);
});
