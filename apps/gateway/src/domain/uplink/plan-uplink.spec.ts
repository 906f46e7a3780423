import { GATEWAY_TOPICS } from '../shared/gateway-topics';
import { planUplink } from './plan-uplink';
import { refusalReplies, REFUSED_MESSAGE_RESULT } from './refusal-replies';

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

describe('planUplink: media events (dock-media-upload.md)', () => {
  it('writes a file_upload_callback as a known event, normalised', () => {
    const result = plan(
      'thing/product/SN1/events',
      JSON.stringify({
        tid: 't',
        bid: 'b',
        method: 'file_upload_callback',
        need_reply: 1,
        data: {
          file: {
            object_key: 'org/SN1/F1/a.jpeg',
            name: 'a.jpeg',
            ext: { flight_id: 'F1' },
            metadata: { gimbal_yaw_degree: '-91.40' },
          },
        },
      }),
    );
    expect(result).toMatchObject({
      kind: 'accepted',
      record: {
        value: {
          method: 'file_upload_callback',
          known: true,
          data: { file: { metadata: { gimbal_yaw_degree: -91.4 } } },
        },
      },
    });
  });

  it('dead-letters a callback without an object key and owes the dock a refusal', () => {
    const payload = JSON.stringify({
      tid: 't',
      bid: 'b',
      method: 'file_upload_callback',
      need_reply: 1,
      data: { file: { name: 'a.jpeg' } },
    });
    const result = plan('thing/product/SN1/events', payload);
    expect(result).toMatchObject({ kind: 'rejected', reason: 'invalid_data' });
    const replies = refusalReplies(
      { topic: 'thing/product/SN1/events', payload: Buffer.from(payload), receivedAt: 42 },
      1024,
      1_700_000_000_000,
    );
    expect(replies).toHaveLength(1);
    expect(replies[0].topic).toBe('thing/product/SN1/events_reply');
    expect(JSON.parse(replies[0].payload.toString())).toMatchObject({
      tid: 't',
      bid: 'b',
      method: 'file_upload_callback',
      data: { result: REFUSED_MESSAGE_RESULT },
    });
  });
});
