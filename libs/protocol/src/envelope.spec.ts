import { parseEnvelope } from './envelope';

describe('parseEnvelope', () => {
  it('reads a textbook envelope, including a non-UUID bid', () => {
    const payload = JSON.stringify({
      tid: 't',
      bid: 'T-FIXTURE-001',
      timestamp: 1,
      method: 'flighttask_progress',
      need_reply: 1,
      gateway: 'DOCK1',
      data: { result: 0 },
    });
    expect(parseEnvelope(payload, 'events')).toEqual({
      ok: true,
      value: {
        tid: 't',
        bid: 'T-FIXTURE-001',
        timestamp: 1,
        method: 'flighttask_progress',
        needReply: true,
        gateway: 'DOCK1',
        data: { result: 0 },
        flags: [],
      },
    });
  });

  it('lets osd omit method, tid and bid', () => {
    expect(parseEnvelope(Buffer.from('{"data":{}}'), 'osd')).toMatchObject({
      ok: true,
      value: { tid: '', bid: '', method: null, timestamp: null, flags: ['timestamp_missing'] },
    });
  });

  it('applies the size limit before parsing', () => {
    expect(parseEnvelope('{"data":"ééééé"}', 'osd', { maxPayloadBytes: 16 })).toMatchObject({
      ok: false,
      error: { path: 'payload', rule: 'payload of at most 16 bytes' },
    });
  });
});
