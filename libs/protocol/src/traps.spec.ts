import { buildRequestsReply, buildServiceCommand } from './builders';
import { CURRENT_STEP } from './enums/current-step';
import {
  normaliseDownlink,
  normaliseUplink,
  NormalisedMessage,
  NormaliseResult,
} from './normalise';

/** The ten traps of the spec README, each with the smallest message that shows it. */
const GW = 'DOCK1';
const EVENTS = `thing/product/${GW}/events`;
const SERVICES_REPLY = `thing/product/${GW}/services_reply`;

function envelope(fields: Record<string, unknown>): string {
  return JSON.stringify({ tid: 't-1', bid: 'b-1', timestamp: 1654070968655, ...fields });
}

function expectOk(result: NormaliseResult): NormalisedMessage {
  if (!result.ok) throw new Error(result.error.message);
  return result.message;
}

const progressOutput = {
  status: 'in_progress',
  progress: { current_step: 21, percent: 40 },
  ext: { flight_id: 'f-1', wayline_mission_state: 6 },
};

describe('spec README traps', () => {
  it('1: reads the timestamp from the key "timestamp:" and flags it', () => {
    const payload = JSON.stringify({
      tid: 't',
      bid: 'b',
      'timestamp:': 1654070968655,
      method: 'flighttask_ready',
      data: { flight_ids: [] },
    });
    const message = expectOk(normaliseUplink(EVENTS, payload));
    expect(message.timestamp).toBe(1654070968655);
    expect(message.flags).toEqual(['timestamp_colon_key']);
  });

  it('2: turns enum_int strings into numbers ("reason": "0")', () => {
    const payload = envelope({
      method: 'device_exit_homing_notify',
      data: { action: 1, reason: '0' },
    });
    const message = expectOk(normaliseUplink(EVENTS, payload));
    expect(message.data).toEqual({ action: 1, reason: 0 });
    expect(message.flags).toContain('int_from_string');
  });

  it('3: keeps the unlisted sn of device_exit_homing_notify', () => {
    const payload = envelope({
      method: 'device_exit_homing_notify',
      data: { action: 0, reason: 4, sn: 'Dock SN' },
    });
    expect(expectOk(normaliseUplink(EVENTS, payload)).data).toEqual({
      action: 0,
      reason: 4,
      sn: 'Dock SN',
    });
  });

  it('4: gives flat and wrapped flighttask_progress the same canonical data', () => {
    const wrapped = expectOk(
      normaliseUplink(
        EVENTS,
        envelope({ method: 'flighttask_progress', data: { result: 0, output: progressOutput } }),
      ),
    );
    const flat = expectOk(
      normaliseUplink(EVENTS, envelope({ method: 'flighttask_progress', data: progressOutput })),
    );
    expect(flat.data).toEqual(wrapped.data);
    expect(wrapped.data).toEqual({ result: 0, output: progressOutput });
    expect(flat.flags).toEqual(['progress_flat_shape']);
    expect(wrapped.flags).toEqual([]);
  });

  it('5: accepts wayline_type 1 in flighttask_prepare, built and observed', () => {
    const built = buildServiceCommand({
      gatewaySn: GW,
      tid: 't',
      bid: 'f-1',
      timestamp: 1654070968655,
      method: 'flighttask_prepare',
      data: {
        flight_id: 'f-1',
        task_type: 0,
        execute_time: 1654070968655,
        wayline_type: 1,
        file: {
          url: 'https://files.example/f-1.kmz',
          fingerprint: 'd41d8cd98f00b204e9800998ecf8427e',
        },
        rth_altitude: 100,
        out_of_control_action: 0,
        exit_wayline_when_rc_lost: 0,
      },
    });
    if (!built.ok) throw new Error(built.error.message);
    expect(expectOk(normaliseDownlink(built.message.topic, built.message.payload)).known).toBe(
      true,
    );
  });

  it.each([42, 49, 0xfffd, 0xfffe, 0xfffff])('6: passes current_step %i through', (step) => {
    const payload = envelope({
      method: 'flighttask_progress',
      data: {
        result: 0,
        output: { ...progressOutput, progress: { current_step: step, percent: 0 } },
      },
    });
    const message = expectOk(normaliseUplink(EVENTS, payload));
    expect(message.data).toMatchObject({ output: { progress: { current_step: step } } });
  });

  it('6: labels the documented odd steps and names unknown ones without throwing', () => {
    expect(CURRENT_STEP.labelFor(0xfffff)).toBe('UNKNOWN');
    expect(CURRENT_STEP.labelFor(0xfffd)).toBe('Waiting for service response after completion');
    expect(CURRENT_STEP.labelFor(49)).toBe('unknown (49)');
  });

  it.each(['flighttask_pause', 'flighttask_recovery'])(
    '7: accepts need_reply true on the %s reply',
    (method) => {
      const payload = envelope({ method, need_reply: true, data: { result: 0 } });
      expect(expectOk(normaliseUplink(SERVICES_REPLY, payload))).toMatchObject({
        method,
        needReply: true,
        known: true,
      });
    },
  );

  it('8: keeps output.status of the return_home reply', () => {
    const payload = envelope({
      method: 'return_home',
      data: { result: 0, output: { status: 'in_progress' } },
    });
    expect(expectOk(normaliseUplink(SERVICES_REPLY, payload)).data).toEqual({
      result: 0,
      output: { status: 'in_progress' },
    });
  });

  it.each([
    [true, true],
    [1, true],
    [false, false],
    [0, false],
    [undefined, false],
  ])('9: reads need_reply %p as %p', (needReply, expected) => {
    const payload = envelope({ method: 'hms', need_reply: needReply, data: { list: [] } });
    expect(expectOk(normaliseUplink(EVENTS, payload)).needReply).toBe(expected);
  });

  it('10: handles flighttask_resource_get (the Chinese-headed section) both ways', () => {
    const request = expectOk(
      normaliseUplink(
        `thing/product/${GW}/requests`,
        envelope({ method: 'flighttask_resource_get', data: { flight_id: 'f-1' } }),
      ),
    );
    expect(request).toMatchObject({ known: true, data: { flight_id: 'f-1' } });

    const reply = buildRequestsReply(request, 1654070968700, {
      result: 0,
      output: { file: { url: 'https://files.example/f-1.kmz?sig=x', fingerprint: 'abc123' } },
    });
    if (!reply.ok) throw new Error(reply.error.message);
    expect(reply.message.topic).toBe(`thing/product/${GW}/requests_reply`);
    const observed = expectOk(normaliseDownlink(reply.message.topic, reply.message.payload));
    expect(observed).toMatchObject({
      tid: 't-1',
      bid: 'b-1',
      method: 'flighttask_resource_get',
      known: true,
      data: { result: 0, output: { file: { fingerprint: 'abc123' } } },
    });
  });
});
