import { GATEWAY_TOPICS } from '../shared/gateway-topics';
import { planUplink } from './plan-uplink';

const limits = { maxPayloadBytes: 1024, maxDeadLetterRawBytes: 16 };
const plan = (topic: string, payload: string | Buffer) =>
  planUplink({ topic, payload: Buffer.from(payload), receivedAt: 42 }, GATEWAY_TOPICS, limits);

describe('planUplink', () => {
  it('routes a valid event to its family topic, keyed by SN, with tid/bid/method headers', () => {
    const result = plan(
      'thing/product/SN1/events',
      JSON.stringify({ tid: 't', bid: 'b', timestamp: 5, method: 'hms', need_reply: 1, data: [] }),
    );
    expect(result).toMatchObject({
      kind: 'accepted',
      record: {
        topic: 'dock.uplink.events',
        key: 'SN1',
        headers: { tid: 't', bid: 'b', method: 'hms', family: 'events' },
        value: {
          gatewaySn: 'SN1',
          method: 'hms',
          known: false,
          needReply: true,
          receivedAt: 42,
          data: [],
        },
      },
    });
  });

  it('writes null ids and no id headers for an osd push without them', () => {
    const result = plan('thing/product/SN1/osd', JSON.stringify({ timestamp: 5, data: {} }));
    expect(result).toMatchObject({
      kind: 'accepted',
      record: { headers: { tid: null, bid: null, method: null }, value: { tid: null, bid: null } },
    });
  });

  it.each([
    ['thing/product/SN1/events', 'nope', 'not_json'],
    ['thing/product/SN1/events', '[]', 'not_json'],
    ['thing/product/SN1/events', 'x'.repeat(2000), 'oversized'],
    ['thing/product/SN!/events', '{}', 'bad_sn'],
    ['thing/product/SN1/services', '{}', 'bad_topic'],
    ['other/topic', '{}', 'bad_topic'],
    ['thing/product/SN1/events', '{"bid":"b","method":"hms","data":{}}', 'invalid_envelope'],
    [
      'thing/product/SN1/events',
      '{"tid":"t","bid":"b","method":"hms","data":{"__proto__":1}}',
      'unsafe_json',
    ],
    [
      'thing/product/SN1/events',
      '{"tid":"t","bid":"b","method":"flighttask_progress","data":{"result":0,"output":{"status":"ok","progress":{"current_step":1,"percent":101}}}}',
      'invalid_data',
    ],
    [
      'thing/product/SN1/events',
      '{"tid":"t","bid":"b","method":"hms","data":{"a":"\\ud800"}}',
      'invalid_unicode',
    ],
  ])('dead-letters %s %s as %s', (topic, payload, reason) => {
    const result = plan(topic, payload);
    expect(result.kind).toBe('rejected');
    if (result.kind !== 'rejected') return;
    expect(result.reason).toBe(reason);
    expect(result.record.topic).toBe('dock.uplink.dead-letter');
    const value = result.record.value as {
      payloadBase64: string;
      size: number;
      truncated?: boolean;
    };
    expect(value.size).toBe(Buffer.byteLength(payload));
    const kept = Buffer.from(value.payloadBase64, 'base64');
    expect(Buffer.from(payload).subarray(0, 16).equals(kept)).toBe(true);
    expect(value.truncated).toBe(payload.length > 16 ? true : undefined);
  });
});
