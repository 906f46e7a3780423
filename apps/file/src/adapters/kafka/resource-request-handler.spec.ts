import pino from 'pino';
import { Registry } from 'prom-client';
import type { Message } from 'kafkajs';
import { requestReplyRecordSchema, UplinkRecord } from '@dock/contracts';
import { ConsumedRecord, decodeRecord } from '@dock/kafka';
import type { FlightResources } from '../../domain/flights/flight-resources';
import { createFileMetrics } from '../../file-metrics';
import { ResourceRequestHandler } from './resource-request-handler';

const NOW = 1_700_000_000_000;

function consumed(value: unknown, offset = '0'): ConsumedRecord {
  const buffer =
    typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value));
  return {
    topic: 'requests',
    partition: 0,
    offset,
    message: {
      key: null,
      value: buffer,
      offset,
      timestamp: '0',
      attributes: 0,
      headers: {},
    } as never,
  };
}

function request(overrides: Partial<UplinkRecord> = {}): UplinkRecord {
  return {
    schemaVersion: 1,
    gatewaySn: 'DOCK1',
    family: 'requests',
    method: 'flighttask_resource_get',
    tid: 'tid-1',
    bid: 'bid-1',
    timestamp: NOW,
    needReply: false,
    known: true,
    receivedAt: NOW - 1000,
    data: { flight_id: 'flight-1' },
    ...overrides,
  };
}

function setup() {
  const sent: { topic: string; message: Message }[] = [];
  const resources = {
    resolve: jest.fn(async (flightId: string) =>
      flightId === 'flight-1'
        ? { result: 0, output: { file: { url: 'https://x/y.kmz', fingerprint: 'abc' } } }
        : { result: 314013 },
    ),
  } as unknown as FlightResources;
  const handler = new ResourceRequestHandler(
    resources,
    async (records) => {
      sent.push(...records);
    },
    { repliesTopic: 'replies', maxAgeMs: 60_000, answeredBy: 'file' },
    createFileMetrics(new Registry()),
    pino({ level: 'silent' }),
    () => NOW,
  );
  const replies = () =>
    sent.map((record) => {
      const decoded = decodeRecord(record.message.value as Buffer, requestReplyRecordSchema);
      if (!decoded.ok) throw new Error(decoded.error);
      return { key: record.message.key?.toString(), topic: record.topic, value: decoded.value };
    });
  return { handler, replies, resources };
}

describe('ResourceRequestHandler', () => {
  it('answers with the URL and fingerprint, keyed by the dock, echoing tid and bid', async () => {
    const { handler, replies } = setup();
    await handler.handleBatch([consumed(request())]);
    expect(replies()).toEqual([
      {
        key: 'DOCK1',
        topic: 'replies',
        value: expect.objectContaining({
          gatewaySn: 'DOCK1',
          tid: 'tid-1',
          bid: 'bid-1',
          method: 'flighttask_resource_get',
          data: { result: 0, output: { file: { url: 'https://x/y.kmz', fingerprint: 'abc' } } },
        }),
      },
    ]);
  });

  it('asks for the flight of the dock that asked (its SN), so another dock gets no URL', async () => {
    const { handler, resources } = setup();
    await handler.handleBatch([consumed(request({ gatewaySn: 'DOCK2' }))]);
    expect(resources.resolve).toHaveBeenCalledWith('flight-1', 'DOCK2');
  });

  it('answers a non-zero result for an unknown flight or a request without flight_id', async () => {
    const { handler, replies } = setup();
    await handler.handleBatch([
      consumed(request({ data: { flight_id: 'nope' } }), '1'),
      consumed(request({ tid: 'tid-2', data: {} }), '2'),
    ]);
    expect(replies().map((r) => r.value.data)).toEqual([{ result: 314013 }, { result: 314013 }]);
  });

  it('skips what is malformed, stale or not its own, without throwing', async () => {
    const { handler, replies } = setup();
    await handler.handleBatch([
      consumed('not json'),
      consumed({ schemaVersion: 1 }),
      consumed(request({ method: 'some_other_request' })),
      consumed(request({ family: 'events', method: 'flighttask_resource_get' })),
      consumed(request({ tid: null })),
      consumed(request({ receivedAt: NOW - 120_000 })),
    ]);
    expect(replies()).toEqual([]);
  });
});
