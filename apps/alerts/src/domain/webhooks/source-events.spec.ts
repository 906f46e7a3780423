import type { UplinkRecord } from '@dock/contracts';
import { positionId, uplinkEvents } from './source-events';

const uplink = (method: string, data: unknown): UplinkRecord => ({
  schemaVersion: 1,
  gatewaySn: 'DOCK1',
  family: 'events',
  method,
  tid: 't',
  bid: 'b',
  timestamp: 1_000,
  needReply: false,
  known: true,
  receivedAt: 2_000,
  data,
});
const at = { topic: 'dock.uplink.events', partition: 1, offset: '42' };

describe('uplinkEvents', () => {
  it('gives a stable id per source position', () => {
    expect(positionId(at)).toBe(positionId({ ...at }));
    expect(positionId(at)).not.toBe(positionId({ ...at, offset: '43' }));
  });

  it('maps progress with its flight for the throttle, ordered per flight', () => {
    const mapped = uplinkEvents(
      uplink('flighttask_progress', {
        result: 0,
        output: { status: 'in_progress', progress: { percent: 40 }, ext: { flight_id: 'F1' } },
      }),
      at,
      'org',
    );
    expect(mapped).toMatchObject({
      kind: 'progress',
      flightId: 'F1',
      mark: { at: 1_000, status: 'in_progress' },
      event: { type: 'flight.progress', orderingKey: 'flight:F1', data: { percent: 40 } },
    });
  });

  it('maps the last file of a flight to file received and flight complete', () => {
    const mapped = uplinkEvents(
      uplink('file_upload_callback', {
        file: { object_key: 'k', name: 'n.jpg', ext: { flight_id: 'F1' } },
        flight_task: { uploaded_file_count: 3, expected_file_count: 3 },
      }),
      at,
      'org',
    );
    expect(mapped.kind === 'media' && mapped.events.map((e) => e.type)).toEqual([
      'media.file_received',
      'media.flight_complete',
    ]);
  });

  it('orders events without a flight per dock, and ignores methods it does not deliver', () => {
    const exit = uplinkEvents(
      uplink('device_exit_homing_notify', { action: 1, reason: 0 }),
      at,
      'o',
    );
    expect(exit.kind === 'event' && exit.event.orderingKey).toBe('dock:DOCK1');
    expect(uplinkEvents(uplink('hms', { list: [] }), at, 'o')).toEqual({ kind: 'none' });
  });
});
