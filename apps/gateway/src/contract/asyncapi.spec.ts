import { KAFKA_TOPICS, TaskEventRecord, taskEventRecordSchema } from '@dock/contracts';
import { encodeRecord, toConsumerDeadLetterRecord } from '@dock/kafka';
import { readRecording, readSpecExamples } from '../../../../libs/protocol/test/shared-files';
import { invalidRecord, repliedRecord, timeoutRecord } from '../domain/commands/command-records';
import { PendingCommand } from '../domain/pending/pending-entries';
import { GATEWAY_TOPICS } from '../domain/shared/gateway-topics';
import { planUplink } from '../domain/uplink/plan-uplink';
import { AsyncApiContract } from '../../../../test/support/asyncapi-contract';

/**
 * The records the gateway's builders produce (the same code paths the running gateway uses)
 * must conform to docs/asyncapi.yaml. The integration tests check captured Kafka records too.
 */
describe('docs/asyncapi.yaml', () => {
  const contract = new AsyncApiContract();
  const limits = { maxPayloadBytes: 256 * 1024, maxDeadLetterRawBytes: 1024 };

  function check(topic: string, key: string, value: unknown, headers: object): string[] {
    const message = encodeRecord(key, value, headers);
    const stringHeaders = Object.fromEntries(
      Object.entries(message.headers ?? {}).map(([name, header]) => [name, String(header)]),
    );
    return contract.check(topic, {
      key,
      headers: stringHeaders,
      value: JSON.parse(String(message.value)),
    });
  }

  it('describes every topic of the contracts library', () => {
    const topics = [
      ...Object.values(KAFKA_TOPICS.uplink),
      KAFKA_TOPICS.deadLetter,
      KAFKA_TOPICS.commands,
      KAFKA_TOPICS.commandReplies,
      KAFKA_TOPICS.requestReplies,
      KAFKA_TOPICS.taskEvents,
      KAFKA_TOPICS.hmsAlerts,
      KAFKA_TOPICS.mediaRecords,
      ...Object.values(KAFKA_TOPICS.consumerDeadLetters),
      KAFKA_TOPICS.deviceEvents,
    ];
    expect([...contract.addresses].sort()).toEqual([...topics].sort());
  });

  it('matches the uplink record of every recorded and spec message', () => {
    const inputs = [
      ...readRecording('dock-events.jsonl'),
      ...readRecording('dock-osd.jsonl'),
      ...readRecording('dock-state.jsonl'),
      ...readRecording('dock-services_reply.jsonl'),
    ].map((line) => ({ topic: line.topic, payload: line.payload }));
    for (const example of readSpecExamples()) {
      inputs.push({ topic: example.topic, payload: Buffer.from(example.json) });
    }
    let checked = 0;
    for (const input of inputs) {
      const plan = planUplink({ ...input, receivedAt: 1_700_000_000_000 }, GATEWAY_TOPICS, limits);
      if (plan.kind !== 'accepted') continue; // downlink examples: not uplink records
      const { record } = plan;
      expect(check(record.topic, record.key, record.value, record.headers)).toEqual([]);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('matches dead-letter records, truncated or not', () => {
    for (const [topic, payload] of [
      ['thing/product/SN1/events', 'not json'],
      ['thing/product/bad!/events', '{}'],
      ['thing/product/SN1/osd', 'x'.repeat(2048)],
    ]) {
      const plan = planUplink(
        { topic, payload: Buffer.from(payload), receivedAt: 1 },
        GATEWAY_TOPICS,
        limits,
      );
      expect(plan.kind).toBe('rejected');
      expect(
        check(plan.record.topic, plan.record.key, plan.record.value, plan.record.headers),
      ).toEqual([]);
    }
  });

  it('matches every command reply outcome', () => {
    const pending: PendingCommand = {
      correlationId: 'c1',
      gatewaySn: 'SN1',
      method: 'return_home',
      tid: 't1',
      bid: 'b1',
      topic: 'thing/product/SN1/services',
      payload: '{}',
      sentAt: 1_000,
      deadline: 31_000,
      sentBy: 'gw-0',
    };
    const context = { now: 2_000, instanceId: 'gw-1' };
    const records = [
      repliedRecord(pending, { result: 0, output: { status: 'ok' }, receivedAt: 1_500 }, context),
      timeoutRecord(pending, context),
      invalidRecord(
        { correlationId: 'c2', gatewaySn: 'SN1', method: 'x', bid: 'b' },
        'unknown',
        context,
      ),
    ];
    for (const record of records) {
      expect(
        check(KAFKA_TOPICS.commandReplies, 'SN1', record, { tid: record.tid, bid: record.bid }),
      ).toEqual([]);
    }
  });

  it("matches the consumers' dead-letter records (as GuardedBus writes them)", () => {
    const uplink = encodeRecord('SN1', { poison: '\ud800' }, { tid: 't1', method: 'm' });
    const record = toConsumerDeadLetterRecord({
      service: 'telemetry',
      group: 'telemetry',
      record: {
        topic: KAFKA_TOPICS.uplink.events,
        partition: 2,
        offset: '41',
        message: {
          key: Buffer.from('SN1'),
          value: Buffer.from([0xff, 0xfe, ...Buffer.from(String(uplink.value))]),
          headers: uplink.headers,
          timestamp: '1700000000000',
          offset: '41',
        },
      },
      error: Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' }),
      attempts: 3,
      at: 1_700_000_000_500,
    });
    for (const topic of Object.values(KAFKA_TOPICS.consumerDeadLetters)) {
      expect(check(topic, 'SN1', record, {})).toEqual([]);
    }
    // Nothing undeclared may slip through: the contract closes every object.
    expect(
      check(KAFKA_TOPICS.consumerDeadLetters.file, 'SN1', { ...record, extra: 1 }, {}),
    ).not.toEqual([]);
  });

  it('matches task events, with their organization and without it (older records)', () => {
    const event: TaskEventRecord = {
      schemaVersion: 1,
      flightId: 'f1',
      organizationId: '6f1c2b9e-3d4a-4b5c-9d8e-7f6a5b4c3d2e',
      gatewaySn: 'SN1',
      waylineId: 'w1',
      taskType: 0,
      state: 'scheduled',
      previousState: null,
      cause: 'created',
      resultCode: null,
      resultMeaning: null,
      version: 1,
      at: 1_700_000_000_000,
    };
    expect(taskEventRecordSchema.safeParse(event).success).toBe(true);
    expect(check(KAFKA_TOPICS.taskEvents, 'SN1', event, {})).toEqual([]);
    const { organizationId: _omitted, ...older } = event;
    expect(check(KAFKA_TOPICS.taskEvents, 'SN1', older, {})).toEqual([]);
    expect(check(KAFKA_TOPICS.taskEvents, 'SN1', { ...event, organizationId: '' }, {})).not.toEqual(
      [],
    );
  });
});
