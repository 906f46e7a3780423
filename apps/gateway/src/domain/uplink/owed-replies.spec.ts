import { normaliseUplink } from '@dock/protocol';
import { owedReplies } from './owed-replies';

function message(topic: string, payload: object) {
  const result = normaliseUplink(topic, JSON.stringify(payload));
  if (!result.ok) throw new Error(result.error.message);
  return result.message;
}

const NOW = 1_700_000_000_000;

describe('owedReplies', () => {
  it.each([
    [true, 1],
    [1, 1],
    ['1', 1],
    [0, 0],
    [false, 0],
    [undefined, 0],
  ])('events with need_reply %p owe %i events_reply', (needReply, count) => {
    const replies = owedReplies(
      message('thing/product/SN1/events', {
        tid: 't',
        bid: 'b',
        timestamp: 1,
        method: 'hms',
        need_reply: needReply,
        data: {},
      }),
      NOW,
    );
    expect(replies).toHaveLength(count);
    if (count) {
      expect(replies[0]).toMatchObject({
        type: 'events_reply',
        topic: 'thing/product/SN1/events_reply',
      });
      expect(JSON.parse(replies[0].payload)).toEqual({
        tid: 't',
        bid: 'b',
        timestamp: NOW,
        method: 'hms',
        data: { result: 0 },
      });
    }
  });

  it('always answers update_topo on status_reply', () => {
    const [reply] = owedReplies(
      message('sys/product/SN1/status', {
        tid: 't',
        bid: 'b',
        timestamp: 1,
        method: 'update_topo',
        data: { sub_devices: [] },
      }),
      NOW,
    );
    expect(reply.topic).toBe('sys/product/SN1/status_reply');
    expect(JSON.parse(reply.payload)).toMatchObject({ method: 'update_topo', data: { result: 0 } });
  });

  it('answers a state push only when it asks, without a method', () => {
    const asked = owedReplies(
      message('thing/product/SN1/state', { tid: 't', bid: 'b', need_reply: 1, data: {} }),
      NOW,
    );
    expect(asked).toHaveLength(1);
    expect(JSON.parse(asked[0].payload)).not.toHaveProperty('method');
    expect(owedReplies(message('thing/product/SN1/state', { data: {} }), NOW)).toEqual([]);
  });

  it('owes nothing itself for osd, requests and services_reply', () => {
    expect(owedReplies(message('thing/product/SN1/osd', { data: {} }), NOW)).toEqual([]);
    expect(
      owedReplies(
        message('thing/product/SN1/requests', {
          tid: 't',
          bid: 'b',
          timestamp: 1,
          method: 'flighttask_resource_get',
          data: { flight_id: 'f' },
        }),
        NOW,
      ),
    ).toEqual([]);
  });
});
