import { decodeRecordValue } from './decode-record-value';
import { commandRecordSchema } from './records';

const command = {
  schemaVersion: 1,
  correlationId: 'c-1',
  gatewaySn: 'DOCK1',
  method: 'flighttask_execute',
  bid: 'f-1',
  data: { flight_id: 'f-1' },
  requestedAt: 1,
};

describe('decodeRecordValue', () => {
  it('returns the validated record', () => {
    const decoded = decodeRecordValue(Buffer.from(JSON.stringify(command)), commandRecordSchema);
    expect(decoded).toEqual({ ok: true, value: command });
  });

  it.each([
    ['an empty value', null, 'empty record value'],
    ['not JSON', Buffer.from('{nope'), 'record value is not JSON'],
    ['a value the schema refuses', Buffer.from('{"schemaVersion":2}'), 'schemaVersion: '],
  ])('refuses %s with a reason, without throwing', (_name, value, reason) => {
    const decoded = decodeRecordValue(value, commandRecordSchema);
    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.error).toContain(reason);
  });

  it('keeps the parsed JSON of a refused value, so a partial reply can still be addressed', () => {
    const decoded = decodeRecordValue(
      Buffer.from(JSON.stringify({ ...command, method: '' })),
      commandRecordSchema,
    );
    expect(decoded).toMatchObject({ ok: false, json: { correlationId: 'c-1' } });
  });
});
