import type { NormalisedMessage } from '@dock/protocol';
import { behaviourWith } from './behaviour';
import { GOOD_MD5, Harness, prepareData } from './testing/harness';

function data<T = Record<string, unknown>>(message: NormalisedMessage): T {
  return message.data as T;
}

/** Prepare + execute, then answer the resource request and the download correctly. */
function flyUntilWayline(h: Harness, flightId = 'F-1'): void {
  h.connect();
  h.service('flighttask_prepare', prepareData(flightId, h.now));
  h.service('flighttask_execute', { flight_id: flightId });
  const request = h.advanceUntil((m) => m.family === 'requests');
  h.answerResource(request, 'https://files.example/f.kmz', GOOD_MD5);
  h.download(flightId, { md5: GOOD_MD5.toUpperCase() });
  h.advanceUntil((m) => m.method === 'flighttask_progress' && progressStep(m) === 21);
}

function progressStep(m: NormalisedMessage): number {
  return data<{ output: { progress: { current_step: number } } }>(m).output.progress.current_step;
}

describe('DockMachine: connection', () => {
  it('announces the dock and its aircraft with update_topo, and expects status_reply', () => {
    const h = new Harness().connect();
    const topo = h.topo();
    expect(topo).toMatchObject({ family: 'status', method: 'update_topo', gatewaySn: h.sn });
    expect(data<{ sub_devices: { sn: string }[] }>(topo).sub_devices).toEqual([
      expect.objectContaining({ sn: `${h.sn}-UAV` }),
    ]);
    expect(h.machine.snapshot().replies.pending).toBe(1);
    h.answerStatus(topo);
    expect(h.machine.snapshot().replies).toMatchObject({ pending: 0, missing: {} });
    expect(h.machine.snapshot().replies.latenciesMs.status_reply).toEqual([0]);
  });

  it('pushes osd without a method', () => {
    const h = new Harness().connect();
    h.take(h.machine.osd(h.now));
    const osd = h.sent.find((m) => m.family === 'osd');
    expect(osd).toMatchObject({ method: null, known: false });
    expect(data(osd as NormalisedMessage)).toMatchObject({ drone_in_dock: 1, mode_code: 0 });
  });

  it('counts a reply that never came as missing, and a late one as late', () => {
    const h = new Harness().connect();
    h.advance(h.behaviour.replyTimeoutMs + 1000);
    expect(h.machine.snapshot().replies.missing).toEqual({ 'status_reply:update_topo': 1 });
    h.answerStatus(h.topo());
    expect(h.machine.snapshot().replies.late).toBe(1);
  });
});

describe('DockMachine: services', () => {
  it('stores a valid prepare and refuses an invalid one with 314003, same tid and bid', () => {
    const h = new Harness().connect();
    h.service('flighttask_prepare', prepareData('F-1', h.now), 'good');
    h.rawService('flighttask_prepare', prepareData('F-2', h.now, { rth_altitude: 5 }), 'bad');
    expect(h.replyTo('good')).toMatchObject({ bid: 'bid-good', data: { result: 0 } });
    expect(h.replyTo('bad')).toMatchObject({ bid: 'bid-bad', data: { result: 314003 } });
    expect(h.machine.snapshot().tasks.map((t) => [t.flightId, t.state])).toEqual([
      ['F-1', 'prepared'],
    ]);
  });

  it('refuses to execute a task it does not hold (319004)', () => {
    const h = new Harness().connect();
    h.service('flighttask_execute', { flight_id: 'nope' }, 'x');
    expect(h.replyTo('x').data).toEqual({ result: 319004 });
  });

  it('replies 0 to execute, then reports "sent" at step 5 with bid = flight id', () => {
    const h = new Harness().connect();
    h.service('flighttask_prepare', prepareData('F-1', h.now));
    h.service('flighttask_execute', { flight_id: 'F-1' }, 'exe');
    expect(h.replyTo('exe').data).toEqual({ result: 0 });
    const [sent] = h.progress();
    expect(sent).toMatchObject({ status: 'sent', step: 5, percent: 0 });
    expect(sent?.raw).toMatchObject({ bid: 'F-1', needReply: true });
  });

  it('refuses a second execute while a task runs (319016)', () => {
    const h = new Harness().connect();
    h.service('flighttask_prepare', prepareData('F-1', h.now));
    h.service('flighttask_prepare', prepareData('F-2', h.now));
    h.service('flighttask_execute', { flight_id: 'F-1' });
    h.service('flighttask_execute', { flight_id: 'F-2' }, 'second');
    expect(h.replyTo('second').data).toEqual({ result: 319016 });
  });

  it('undoes tasks that have not started, and refuses to undo the running one (319006)', () => {
    const h = new Harness().connect();
    h.service('flighttask_prepare', prepareData('F-1', h.now));
    h.service('flighttask_prepare', prepareData('F-2', h.now));
    h.service('flighttask_execute', { flight_id: 'F-1' });
    h.service('flighttask_undo', { flight_ids: ['F-1'] }, 'running');
    h.service('flighttask_undo', { flight_ids: ['F-2'] }, 'waiting');
    expect(h.replyTo('running').data).toEqual({ result: 319006 });
    expect(h.replyTo('waiting').data).toEqual({ result: 0 });
    const states = Object.fromEntries(h.machine.snapshot().tasks.map((t) => [t.flightId, t.state]));
    expect(states).toEqual({ 'F-1': 'executing', 'F-2': 'undone' });
  });

  it('answers unknown and deprecated methods with 314000', () => {
    const h = new Harness().connect();
    h.raw(
      `thing/product/${h.sn}/services`,
      JSON.stringify({ tid: 't', bid: 'b', timestamp: h.now, method: 'camera_aim', data: {} }),
    );
    expect(h.replyTo('t').data).toEqual({ result: 314000 });
  });

  it('acts out configured refusals: a code, a code for the first N calls, latency, silence', () => {
    const h = new Harness(
      behaviourWith({
        replyCodes: {
          flighttask_prepare: { code: 319001, times: 1 },
          flighttask_undo: { code: 314000 },
        },
        replyLatencyMs: { flighttask_execute: 2500 },
        neverReply: ['return_home'],
      }),
    ).connect();
    h.service('flighttask_prepare', prepareData('F-1', h.now), 'p1');
    h.service('flighttask_prepare', prepareData('F-1', h.now), 'p2');
    h.service('flighttask_undo', { flight_ids: ['F-1'] }, 'u');
    expect(h.replyTo('p1').data).toEqual({ result: 319001 });
    expect(h.replyTo('p2').data).toEqual({ result: 0 });
    expect(h.replyTo('u').data).toEqual({ result: 314000 });

    const deferred = h.service('flighttask_execute', { flight_id: 'F-1' }, 'e');
    expect(deferred).toEqual([expect.objectContaining({ kind: 'defer', delayMs: 2500 })]);
    expect(() => h.replyTo('e')).toThrow();
    const first = deferred[0];
    if (first?.kind !== 'defer') throw new Error('expected a deferral');
    h.take(h.machine.handleService(first.service, h.now + 2500));
    expect(h.replyTo('e').data).toEqual({ result: 0 });

    expect(h.service('return_home', {}, 'rth')).toEqual([]);
    expect(h.machine.snapshot().counters.servicesLost).toBe(1);
  });
});

describe('DockMachine: executing a task', () => {
  it('asks for the KMZ at step 13, downloads it, then flies to a final ok', () => {
    const h = new Harness(behaviourWith({ speed: 5, waypoints: 4 })).connect();
    h.service('flighttask_prepare', prepareData('F-1', h.now));
    h.service('flighttask_execute', { flight_id: 'F-1' });

    const request = h.advanceUntil((m) => m.family === 'requests');
    expect(request).toMatchObject({
      method: 'flighttask_resource_get',
      data: { flight_id: 'F-1' },
    });
    expect(h.progress().at(-1)).toMatchObject({ status: 'in_progress', step: 13 });

    const afterReply = h.answerResource(request, 'https://files.example/f.kmz', GOOD_MD5);
    expect(afterReply).toContainEqual({
      kind: 'download',
      flightId: 'F-1',
      url: 'https://files.example/f.kmz',
      fingerprint: GOOD_MD5,
    });
    h.download('F-1', { md5: GOOD_MD5 });
    const final = h.advanceUntil(
      (m) =>
        m.method === 'flighttask_progress' &&
        data<{ output: { status: string } }>(m).output.status === 'ok',
    );
    expect(final).toMatchObject({ bid: 'F-1', needReply: true, data: { result: 0 } });
    expect(data(final)).toMatchObject({
      output: {
        progress: { percent: 100 },
        ext: { flight_id: 'F-1', media_count: 4, wayline_mission_state: 9 },
      },
    });

    const reports = h.progress();
    const steps = reports.map((r) => r.step);
    expect(steps).toEqual(expect.arrayContaining([5, 13, 14, 21, 22, 23, 31]));
    const percents = reports.map((r) => r.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const waypoints = new Set(
      reports
        .filter((r) => r.step === 21)
        .map(
          (r) =>
            data<{ output: { ext: { current_waypoint_index: number } } }>(r.raw).output.ext
              .current_waypoint_index,
        ),
    );
    expect([...waypoints].sort()).toEqual([0, 1, 2, 3]);
    expect(h.events('return_home_info').length).toBeGreaterThan(0);
    expect(h.machine.snapshot()).toMatchObject({
      phase: 'idle',
      tasks: [{ state: 'ok', result: 0 }],
    });
  });

  it('fails with 314005 when the MD5 does not match', () => {
    const h = new Harness().connect();
    h.service('flighttask_prepare', prepareData('F-1', h.now));
    h.service('flighttask_execute', { flight_id: 'F-1' });
    h.answerResource(
      h.advanceUntil((m) => m.family === 'requests'),
      'https://x.example/k.kmz',
      GOOD_MD5,
    );
    h.download('F-1', { md5: 'ffffffffffffffffffffffffffffffff' });
    expect(h.progress().at(-1)).toMatchObject({ status: 'failed', result: 314005, step: 14 });
    expect(h.machine.snapshot().tasks[0]).toMatchObject({ state: 'failed', result: 314005 });
  });

  it.each([
    [
      'a failed download',
      (h: Harness, request: NormalisedMessage) => {
        h.answerResource(request, 'https://x.example/k.kmz', GOOD_MD5);
        h.download('F-1', { error: 'HTTP 403' });
      },
    ],
    [
      'a refusal in requests_reply',
      (h: Harness, request: NormalisedMessage) => {
        h.answerResource(request, '', '', 314013);
      },
    ],
    [
      'no requests_reply at all',
      (h: Harness) => {
        h.advance(h.behaviour.replyTimeoutMs + 1000);
      },
    ],
  ])('fails with 314013 after %s', (_name, act) => {
    const h = new Harness().connect();
    h.service('flighttask_prepare', prepareData('F-1', h.now));
    h.service('flighttask_execute', { flight_id: 'F-1' });
    act(
      h,
      h.advanceUntil((m) => m.family === 'requests'),
    );
    expect(h.progress().at(-1)).toMatchObject({ status: 'failed', result: 314013 });
  });

  it('pauses in the wayline with a break point, and resumes on recovery', () => {
    const h = new Harness(behaviourWith({ speed: 10, waypoints: 5 }));
    flyUntilWayline(h);
    h.advance(3_000); // 30 s of flight: the second segment
    h.service('flighttask_pause', {}, 'pause');
    expect(h.replyTo('pause').data).toEqual({ result: 0 });
    const paused = h.progress().at(-1);
    expect(paused).toMatchObject({ status: 'paused', step: 21 });
    expect(paused?.raw.needReply).toBe(true);
    const ext = data<{ output: { ext: Record<string, unknown> } }>(paused?.raw as NormalisedMessage)
      .output.ext;
    expect(ext).toMatchObject({
      wayline_mission_state: 7,
      break_point: { state: 0, wayline_id: 0, break_reason: 1281 },
    });
    const breakPoint = ext.break_point as { index: number; progress: number };
    expect(breakPoint.index).toBe(ext.current_waypoint_index);
    expect(breakPoint.progress).toBeGreaterThan(0);

    // Paused: time passes, the aircraft does not move on.
    h.advance(60_000);
    expect(h.progress().at(-1)).toMatchObject({ status: 'paused', percent: paused?.percent });

    h.service('flighttask_recovery', {}, 'recover');
    expect(h.replyTo('recover').data).toEqual({ result: 0 });
    expect(data(h.progress().at(-1)?.raw as NormalisedMessage)).toMatchObject({
      output: { status: 'in_progress', ext: { wayline_mission_state: 8 } },
    });
    h.service('flighttask_recovery', {}, 'again');
    expect(h.replyTo('again').data).toEqual({ result: 319042 });
  });

  it('refuses to pause outside the wayline (319046)', () => {
    const h = new Harness().connect();
    h.service('flighttask_pause', {}, 'idle');
    h.service('flighttask_prepare', prepareData('F-1', h.now));
    h.service('flighttask_execute', { flight_id: 'F-1' });
    h.service('flighttask_pause', {}, 'preflight');
    expect(h.replyTo('idle').data).toEqual({ result: 319046 });
    expect(h.replyTo('preflight').data).toEqual({ result: 319046 });
  });
});

describe('DockMachine: return home', () => {
  it('refuses return_home with the aircraft in the dock', () => {
    const h = new Harness().connect();
    h.service('return_home', {}, 'rth');
    expect(h.replyTo('rth').data).toEqual({ result: 314000, output: { status: 'rejected' } });
  });

  it('returns home on command with a planned path, then ends failed 322283 with the break point', () => {
    const h = new Harness(behaviourWith({ speed: 10, waypoints: 5 }));
    flyUntilWayline(h);
    h.advance(3_000);
    const before = h.events('return_home_info').length;
    h.service('return_home', {}, 'rth');
    expect(h.replyTo('rth').data).toEqual({ result: 0, output: { status: 'in_progress' } });
    const infos = h.events('return_home_info');
    expect(infos.length).toBe(before + 1);
    expect(data(infos.at(-1) as NormalisedMessage)).toMatchObject({
      flight_id: 'F-1',
      last_point_type: 0,
      planned_path_points: expect.arrayContaining([
        expect.objectContaining({ latitude: expect.any(Number) }),
      ]),
    });
    expect(h.machine.snapshot().phase).toBe('returning');

    const final = h.advanceUntil(
      (m) =>
        m.method === 'flighttask_progress' &&
        data<{ output: { status: string } }>(m).output.status === 'failed',
    );
    expect(data(final)).toMatchObject({
      result: 322283,
      output: { ext: { break_point: { break_reason: 1283 } } },
    });
    // The last return_home_info has no route, as the Dock 3's.
    expect(data(h.events('return_home_info').at(-1) as NormalisedMessage)).toEqual({
      flight_id: 'F-1',
      planned_path_points: [],
    });
  });

  it('hovers on return_home_cancel and carries on home on a new return_home', () => {
    const h = new Harness(behaviourWith({ speed: 10 }));
    flyUntilWayline(h);
    h.service('return_home_cancel', {}, 'too-early');
    expect(h.replyTo('too-early').data).toEqual({ result: 319043 });
    h.service('return_home', {}, 'rth');
    h.advance(2_000);
    h.service('return_home_cancel', {}, 'cancel');
    expect(h.replyTo('cancel').data).toEqual({ result: 0 });
    expect(h.machine.snapshot().phase).toBe('hovering');
    const percent = h.progress().at(-1)?.percent;
    h.advance(60_000);
    expect(h.progress().at(-1)?.percent).toBe(percent);
    h.service('return_home', {}, 'again');
    expect(h.machine.snapshot().phase).toBe('returning');
  });

  it('sends device_exit_homing_notify on a scripted trigger, entering then leaving', () => {
    const h = new Harness(
      behaviourWith({
        speed: 10,
        waypoints: 2,
        exitHomingTriggers: [{ afterMs: 5_000, reason: 3, holdMs: 4_000 }],
      }),
    );
    flyUntilWayline(h);
    h.advanceUntil((m) => m.method === 'device_exit_homing_notify');
    h.advanceUntil(
      (m) => m.method === 'device_exit_homing_notify' && data<{ action: number }>(m).action === 0,
    );
    const notices = h.events('device_exit_homing_notify');
    expect(notices.map((m) => data(m))).toEqual([
      { action: 1, reason: 3, sn: h.sn },
      { action: 0, reason: 3, sn: h.sn },
    ]);
    expect(notices.every((m) => m.needReply)).toBe(true);
  });
});

describe('DockMachine: conditional tasks', () => {
  function conditional(h: Harness, battery: number) {
    return prepareData('C-1', h.now, {
      task_type: 2,
      execute_time: undefined,
      ready_conditions: {
        battery_capacity: battery,
        begin_time: h.now + 10_000,
        end_time: h.now + 600_000,
      },
    });
  }

  it('emits flighttask_ready once the battery meets the condition inside the window', () => {
    const h = new Harness(behaviourWith({ battery: 50 })).connect();
    h.service('flighttask_prepare', conditional(h, 90));
    h.machine.setBattery(95);
    h.advance(5_000, 1000);
    expect(h.events('flighttask_ready')).toHaveLength(0); // before begin_time
    h.machine.setBattery(50);
    h.advance(10_000, 1000);
    expect(h.events('flighttask_ready')).toHaveLength(0); // battery too low
    h.service('flighttask_execute', { flight_id: 'C-1' }, 'early');
    expect(h.replyTo('early').data).toEqual({ result: 319026 });

    h.machine.setBattery(92);
    h.advance(3_000, 1000);
    const ready = h.events('flighttask_ready');
    expect(ready).toHaveLength(1);
    expect(ready[0]).toMatchObject({ needReply: true, data: { flight_ids: ['C-1'] } });
    h.service('flighttask_execute', { flight_id: 'C-1' }, 'go');
    expect(h.replyTo('go').data).toEqual({ result: 0 });
  });

  it('refuses to execute a conditional task after its window (319004)', () => {
    const h = new Harness().connect();
    h.service('flighttask_prepare', conditional(h, 10));
    h.advance(700_000, 10_000);
    h.service('flighttask_execute', { flight_id: 'C-1' }, 'late');
    expect(h.replyTo('late').data).toEqual({ result: 319004 });
  });
});

describe('DockMachine: events_reply bookkeeping and outages', () => {
  it('settles answered events and counts the unanswered ones by method', () => {
    const h = new Harness(behaviourWith({ speed: 100, waypoints: 2 })).connect();
    h.answerStatus(h.topo());
    h.service('flighttask_prepare', prepareData('F-1', h.now));
    h.service('flighttask_execute', { flight_id: 'F-1' });
    const sent = h.progress()[0]?.raw as NormalisedMessage;
    h.answerEvent(sent);
    h.answerResource(
      h.advanceUntil((m) => m.family === 'requests'),
      'https://x.example/k',
      GOOD_MD5,
    );
    h.download('F-1', { md5: GOOD_MD5 });
    h.advanceUntil(
      (m) =>
        m.method === 'flighttask_progress' &&
        data<{ output: { status: string } }>(m).output.status === 'ok',
    );
    h.advance(h.behaviour.replyTimeoutMs + 1000);
    const replies = h.machine.snapshot().replies;
    expect(replies.latenciesMs.events_reply).toHaveLength(1);
    // config, airport_bind_status and flighttask_resource_get
    expect(replies.latenciesMs.requests_reply).toHaveLength(3);
    expect(replies.missing).toEqual({ 'events_reply:flighttask_progress': 1 });
  });

  it('drops off the network mid-task, publishes nothing while away, and comes back with update_topo', () => {
    const h = new Harness(
      behaviourWith({
        speed: 100,
        waypoints: 20,
        offline: { afterMs: 4_000, reconnectAfterMs: 5_000 },
      }),
    );
    flyUntilWayline(h);
    h.advance(2_000);
    expect(h.effects.some((e) => e.kind === 'disconnect')).toBe(true);
    const published = h.sent.length;
    const reconnect = h.advance(5_000).find((e) => e.kind === 'reconnect');
    expect(reconnect).toBeDefined();
    expect(h.machine.snapshot().online).toBe(false);
    h.take(h.machine.connected(h.now));
    expect(h.sent.slice(published).map((m) => m.method)).toEqual(['config']);
    h.answerConfig();
    expect(h.sent.slice(published).map((m) => m.method)).toEqual([
      'config',
      'update_topo',
      'airport_bind_status',
    ]);
    expect(h.machine.snapshot().counters.droppedOffline).toBeGreaterThan(0);
    h.advance(2_000);
    expect(h.progress().at(-1)?.status).toBe('in_progress');
  });
});

describe('DockMachine: quirks', () => {
  it('sends every trap of the spec README, and the protocol library still reads all of it', () => {
    const h = new Harness(
      behaviourWith({
        speed: 5,
        progressIntervalMs: 200,
        waypoints: 3,
        quirks: true,
        exitHomingTriggers: [{ afterMs: 1_000, reason: 0, holdMs: 2_000 }],
      }),
    );
    flyUntilWayline(h);
    h.service('flighttask_pause', {}, 'p');
    h.service('flighttask_recovery', {}, 'r');
    h.advanceUntil(
      (m) =>
        m.method === 'flighttask_progress' &&
        data<{ output: { status: string } }>(m).output.status === 'ok',
    );

    const flags = new Set(h.sent.flatMap((m) => [...m.flags]));
    expect([...flags].sort()).toEqual([
      'int_from_string',
      'progress_flat_shape',
      'timestamp_colon_key',
    ]);
    expect(h.replyTo('p').needReply).toBe(true);
    expect(h.sent.some((m) => m.method === 'hms' && !m.known)).toBe(true);
    expect(h.sent.some((m) => m.method === 'airsense_warning' && Array.isArray(m.data))).toBe(true);
    const steps = h.progress().map((p) => p.step);
    expect(steps).toEqual(expect.arrayContaining([49, 0xfffd]));
    const exit = h.events('device_exit_homing_notify')[0];
    expect(exit?.flags).toEqual(expect.arrayContaining(['timestamp_colon_key', 'int_from_string']));
  });
});
