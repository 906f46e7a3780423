import { PendingCommand, PendingRequest } from '../pending/pending-entries';
import { MemoryPendingStore } from '../pending/memory-pending-store';
import { StoppingError } from '../shared/retry';
import {
  countingMetrics,
  ManualClock,
  RecordingPublisher,
  RecordingWriter,
  silentLog,
  TOPICS,
} from '../shared/test-doubles';
import { REFUSED_MESSAGE_RESULT } from './refusal-replies';
import { UplinkProcessor } from './uplink-processor';

const DOCK_CONFIG = {
  appId: 'app-1',
  appKey: 'key-1',
  appLicense: 'licence-1',
  ntpServerHost: 'ntp.example.net',
  ntpServerPort: 123,
};

function setup() {
  const writer = new RecordingWriter();
  const publisher = new RecordingPublisher();
  const commands = new MemoryPendingStore<PendingCommand>();
  const requests = new MemoryPendingStore<PendingRequest>();
  const clock = new ManualClock();
  const metrics = countingMetrics();
  let stopping = false;
  const processor = new UplinkProcessor({
    writer,
    publisher,
    commands,
    requests,
    clock,
    metrics,
    log: silentLog,
    topics: TOPICS,
    limits: { maxPayloadBytes: 4096, maxDeadLetterRawBytes: 4096 },
    requestTimeoutMs: 5_000,
    dockConfig: DOCK_CONFIG,
    instanceId: 'gw-1',
    stopping: () => stopping,
  });
  const handle = (topic: string, payload: object | string | Buffer) =>
    processor.handle({
      topic,
      payload: Buffer.isBuffer(payload)
        ? payload
        : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
      receivedAt: clock.now(),
    });
  return {
    writer,
    publisher,
    commands,
    requests,
    clock,
    metrics,
    handle,
    stop: () => (stopping = true),
  };
}

const pending = (clock: ManualClock): PendingCommand => ({
  correlationId: 'c1',
  gatewaySn: 'SN1',
  method: 'return_home',
  tid: 'tid-1',
  bid: 'b1',
  topic: 'thing/product/SN1/services',
  payload: '{}',
  sentAt: clock.now() - 250,
  deadline: clock.now() + 10_000,
  sentBy: 'gw-0',
});

describe('UplinkProcessor', () => {
  it('publishes the events_reply beside the Kafka write, and finishes only once Kafka has the record', async () => {
    const { writer, publisher, handle } = setup();
    let release: () => void = () => undefined;
    const written = new Promise<void>((resolve) => (release = resolve));
    const write = writer.write.bind(writer);
    writer.write = async (records) => {
      await written;
      return write(records);
    };
    let finished = false;
    const handling = handle('thing/product/SN1/events', {
      tid: 't',
      bid: 'b',
      timestamp: 1,
      method: 'flighttask_progress',
      need_reply: 1,
      data: {},
    }).then(() => (finished = true));
    await new Promise((resolve) => setImmediate(resolve));
    // The dock has its reply while the write is still in flight; the message is not done.
    expect(publisher.published.map((p) => p.topic)).toEqual(['thing/product/SN1/events_reply']);
    expect(writer.records).toHaveLength(0);
    expect(finished).toBe(false);
    release();
    await handling;
    expect(writer.records).toHaveLength(1);
  });

  it('retries a failed Kafka write and replies once', async () => {
    const { writer, publisher, handle } = setup();
    writer.failuresLeft = 1; // the first write fails and is retried
    await handle('thing/product/SN1/events', {
      tid: 't',
      bid: 'b',
      timestamp: 1,
      method: 'hms',
      need_reply: 1,
      data: {},
    });
    expect(writer.on('dock.uplink.events')).toHaveLength(1);
    expect(publisher.published.map((p) => p.topic)).toEqual(['thing/product/SN1/events_reply']);
  });

  it('matches a services_reply to its pending command: one reply record, entry gone', async () => {
    const { writer, commands, clock, metrics, handle } = setup();
    await commands.add('SN1/tid-1', pending(clock), clock.now() + 10_000, 'c1');
    const reply = {
      tid: 'tid-1',
      bid: 'b1',
      timestamp: 1,
      method: 'return_home',
      data: { result: 0, output: { status: 'ok' } },
    };
    await handle('thing/product/SN1/services_reply', reply);
    await handle('thing/product/SN1/services_reply', reply); // duplicate

    expect(writer.on('dock.uplink.services-reply')).toHaveLength(2);
    const [record] = writer.on('dock.command-replies');
    expect(writer.on('dock.command-replies')).toHaveLength(1);
    expect(record.value).toMatchObject({
      correlationId: 'c1',
      outcome: 'replied',
      result: 0,
      output: { status: 'ok' },
      roundTripMs: 250,
      sentBy: 'gw-0',
      completedBy: 'gw-1',
    });
    expect(commands.size).toBe(0);
    expect(metrics.counts.get('orphan:command:unknown')).toBe(1);
  });

  it('does not match a reply from another dock with the same tid (forged)', async () => {
    const { writer, commands, clock, handle } = setup();
    await commands.add('SN1/tid-1', pending(clock), clock.now() + 10_000);
    await handle('thing/product/SN2/services_reply', {
      tid: 'tid-1',
      bid: 'b1',
      timestamp: 1,
      method: 'return_home',
      data: { result: 0 },
    });
    expect(writer.on('dock.command-replies')).toEqual([]);
    expect(commands.size).toBe(1);
  });

  it('records a request as pending before forwarding it', async () => {
    const { writer, requests, clock, handle } = setup();
    await handle('thing/product/SN1/requests', {
      tid: 'r1',
      bid: 'f',
      timestamp: 1,
      method: 'flighttask_resource_get',
      data: { flight_id: 'f' },
    });
    expect(writer.on('dock.uplink.requests')).toHaveLength(1);
    const expired = await requests.claimExpired(clock.now() + 5_000, 10);
    expect(expired).toEqual([
      {
        id: 'SN1/r1',
        entry: expect.objectContaining({ method: 'flighttask_resource_get', bid: 'f' }),
      },
    ]);
  });

  it('dead-letters garbage and counts it', async () => {
    const { writer, metrics, handle } = setup();
    await handle('thing/product/SN1/events', '{oops');
    expect(writer.on('dock.uplink.dead-letter')).toHaveLength(1);
    expect(metrics.counts.get('dead:not_json')).toBe(1);
  });

  it('refuses text that is not valid Unicode and still answers the dock, with a non-zero result', async () => {
    const { writer, publisher, metrics, handle } = setup();
    const lone =
      '{"tid":"t1","bid":"b1","timestamp":1,"method":"flighttask_progress","need_reply":1,"data":{"output":{"ext":{"track_id":"\\ud800"}}}}';
    await handle('thing/product/SN1/events', lone);
    expect(writer.on('dock.uplink.dead-letter')).toHaveLength(1);
    expect(writer.on('dock.uplink.events')).toHaveLength(0);
    expect(metrics.counts.get('dead:invalid_unicode')).toBe(1);
    expect(publisher.published).toEqual([
      {
        topic: 'thing/product/SN1/events_reply',
        json: expect.objectContaining({
          tid: 't1',
          bid: 'b1',
          method: 'flighttask_progress',
          data: { result: REFUSED_MESSAGE_RESULT },
        }),
      },
    ]);
    expect(metrics.counts.get('reply:events_reply')).toBe(1);
  });

  it('answers an event whose data fails validation, when it asked for a reply, with a non-zero result', async () => {
    const { writer, publisher, metrics, handle } = setup();
    await handle('thing/product/SN1/events', {
      tid: 't5',
      bid: 'b5',
      timestamp: 1,
      method: 'flighttask_progress',
      need_reply: 1,
      data: { result: 0, output: { status: 'ok', progress: { current_step: 1, percent: 101 } } },
    });
    expect(writer.on('dock.uplink.dead-letter')).toHaveLength(1);
    expect(writer.on('dock.uplink.events')).toHaveLength(0);
    expect(metrics.counts.get('dead:invalid_data')).toBe(1);
    expect(publisher.published.map((p) => [p.topic, p.json.tid, p.json.data])).toEqual([
      ['thing/product/SN1/events_reply', 't5', { result: REFUSED_MESSAGE_RESULT }],
    ]);
  });

  it('answers a refused request at once and a refused update_topo; sends nothing when no reply was asked', async () => {
    const { writer, publisher, handle } = setup();
    const badBytes = Buffer.concat([
      Buffer.from(
        '{"tid":"t2","bid":"b2","timestamp":1,"method":"flighttask_resource_get","data":{"flight_id":"',
      ),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}}'),
    ]);
    await handle('thing/product/SN1/requests', badBytes);
    await handle(
      'sys/product/SN1/status',
      '{"tid":"t3","bid":"b3","timestamp":1,"method":"update_topo","data":{"sub_devices":"\\udfff"}}',
    );
    await handle(
      'thing/product/SN1/events',
      '{"tid":"t4","bid":"b4","timestamp":1,"method":"hms","data":{"list":"\\ud800"}}',
    );
    await handle('thing/product/SN1/events', '{oops');
    expect(writer.on('dock.uplink.dead-letter')).toHaveLength(4);
    expect(publisher.published.map((p) => [p.topic, p.json.tid, p.json.data])).toEqual([
      // A refused request is told its method's own failure result (the dock knows that code).
      ['thing/product/SN1/requests_reply', 't2', { result: 314013 }],
      ['sys/product/SN1/status_reply', 't3', { result: REFUSED_MESSAGE_RESULT }],
    ]);
  });

  it('gives up with StoppingError (message stays unacknowledged) when stopping mid-retry', async () => {
    const { writer, handle, stop } = setup();
    writer.failuresLeft = 1_000;
    const handled = handle('thing/product/SN1/osd', { data: {} });
    stop();
    await expect(handled).rejects.toBeInstanceOf(StoppingError);
  });

  describe('requests the gateway answers itself', () => {
    const request = (method: string, data: unknown, tid = 'r1') => ({
      tid,
      bid: 'b1',
      timestamp: 1,
      method,
      data,
    });

    it('answers config at once from its settings, without waiting for the Kafka write', async () => {
      const { writer, publisher, requests, clock, metrics, handle } = setup();
      let release: () => void = () => undefined;
      const write = writer.write.bind(writer);
      writer.write = async (records) => {
        await new Promise<void>((resolve) => (release = resolve));
        return write(records);
      };
      const handled = handle(
        'thing/product/SN1/requests',
        request('config', { config_type: 'json', config_scope: 'product' }),
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(publisher.published).toEqual([
        {
          topic: 'thing/product/SN1/requests_reply',
          json: {
            tid: 'r1',
            bid: 'b1',
            timestamp: clock.now(),
            method: 'config',
            data: {
              ntp_server_host: 'ntp.example.net',
              ntp_server_port: 123,
              app_id: 'app-1',
              app_key: 'key-1',
              app_license: 'licence-1',
            },
          },
        },
      ]);
      expect(writer.on('dock.uplink.requests')).toEqual([]);
      release();
      await handled;
      // Still written for other services, but nothing waits for an answer.
      expect(writer.on('dock.uplink.requests')).toHaveLength(1);
      expect(requests.size).toBe(0);
      expect(metrics.counts.get('request:config:gateway')).toBe(1);
    });

    it('answers an unknown request method at once with "not supported" (314000)', async () => {
      const { writer, publisher, requests, metrics, handle } = setup();
      await handle('thing/product/SN1/requests', request('flighttask_progress_get', {}));
      expect(publisher.published).toEqual([
        expect.objectContaining({
          json: expect.objectContaining({
            tid: 'r1',
            method: 'flighttask_progress_get',
            data: { result: 314000 },
          }),
        }),
      ]);
      expect(writer.on('dock.uplink.requests')).toHaveLength(1);
      expect(requests.size).toBe(0);
      expect(metrics.counts.get('request:other:not_supported')).toBe(1);
    });

    it('forwards a binding request and waits for the registry (pending, no reply yet)', async () => {
      const { writer, publisher, requests, handle } = setup();
      await handle(
        'thing/product/SN1/requests',
        request('airport_bind_status', { devices: [{ sn: 'SN1' }] }),
      );
      expect(writer.on('dock.uplink.requests')).toHaveLength(1);
      expect(publisher.published).toEqual([]);
      expect(requests.size).toBe(1);
    });

    it('answers a malformed binding request with its failure result and dead-letters it', async () => {
      const { writer, publisher, requests, metrics, handle } = setup();
      await handle('thing/product/SN1/requests', request('airport_organization_bind', {}));
      expect(writer.on('dock.uplink.dead-letter')).toHaveLength(1);
      expect(publisher.published).toEqual([
        expect.objectContaining({
          topic: 'thing/product/SN1/requests_reply',
          json: expect.objectContaining({
            tid: 'r1',
            method: 'airport_organization_bind',
            data: { result: 210231 },
          }),
        }),
      ]);
      expect(requests.size).toBe(0);
      expect(metrics.counts.get('request:airport_organization_bind:malformed')).toBe(1);
    });

    it('answers a config whose data is unreadable with the config all the same', async () => {
      const { publisher, handle } = setup();
      await handle('thing/product/SN1/requests', request('config', 'product'));
      expect(publisher.published[0]?.json).toMatchObject({
        method: 'config',
        data: { app_id: 'app-1' },
      });
    });

    it('cannot answer a request without a tid: dead letter only', async () => {
      const { writer, publisher, handle } = setup();
      await handle('thing/product/SN1/requests', { bid: 'b', timestamp: 1, method: 'config' });
      expect(writer.on('dock.uplink.dead-letter')).toHaveLength(1);
      expect(publisher.published).toEqual([]);
    });
  });
});
