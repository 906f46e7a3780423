import { KAFKA_TOPICS } from '@dock/contracts';
import { encodeRecord } from '@dock/kafka';
import { readRecording, readSpecExamples } from '../../../../libs/protocol/test/shared-files';
import { invalidRecord, repliedRecord, timeoutRecord } from '../domain/commands/command-records';
import { PendingCommand } from '../domain/pending/pending-entries';
import { GATEWAY_TOPICS } from '../domain/shared/gateway-topics';
import { planUplink } from '../domain/uplink/plan-uplink';
import { AsyncApiContract } from './asyncapi-contract';

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
});
