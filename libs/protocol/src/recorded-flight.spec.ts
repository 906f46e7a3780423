import {
  listRecordingFiles,
  readRecording,
  RECORDING_FILES,
  RecordedLine,
} from '../test/shared-files';
import { buildEventsReply } from './builders';
import { describeResultCode } from './enums/result-codes';
import { isFinalTaskStatus } from './enums/task-status';
import { MessageOf, NormalisedMessage, normaliseDownlink, normaliseUplink } from './normalise';
import { parseTopic } from './topics';

/**
 * A real Dock 3 flight (../shared/fixtures/real-dock3-flight): every line must normalise, on
 * the path its topic's direction calls for, with the counts SUMMARY.txt states.
 */
function normaliseLine(line: RecordedLine): NormalisedMessage {
  const topic = parseTopic(line.topic);
  if (!topic.ok) throw new Error(`${line.file}:${line.line} ${topic.error.message}`);
  const normalise = topic.value.direction === 'up' ? normaliseUplink : normaliseDownlink;
  const result = normalise(line.topic, line.payload);
  if (!result.ok) throw new Error(`${line.file}:${line.line} ${result.error.message}`);
  return result.message;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('recorded Dock 3 flight', () => {
  const messages = Object.fromEntries(
    RECORDING_FILES.map((file) => [file, readRecording(file).map(normaliseLine)]),
  ) as Record<(typeof RECORDING_FILES)[number], NormalisedMessage[]>;

  it('covers every .jsonl of the fixture directory', () => {
    expect(listRecordingFiles()).toEqual([...RECORDING_FILES].sort());
  });

  it('normalises every line with the expected counts, families and directions', () => {
    const summary = Object.fromEntries(
      Object.entries(messages).map(([file, list]) => [
        file,
        { count: list.length, ...countBy(list, (m) => `${m.direction}:${m.family}`) },
      ]),
    );
    expect(summary).toEqual({
      'dock-events.jsonl': { count: 488, 'up:events': 488 },
      'dock-osd.jsonl': { count: 446, 'up:osd': 446 },
      'dock-state.jsonl': { count: 8, 'up:state': 8 },
      'dock-services_reply.jsonl': { count: 64, 'up:services_reply': 64 },
      'dock-services.jsonl': { count: 64, 'down:services': 64 },
      'dock-events_reply.jsonl': { count: 10, 'down:events_reply': 10 },
    });
  });

  it('counts event methods, unknown ones passed through with known: false', () => {
    const events = messages['dock-events.jsonl'];
    expect(countBy(events, (m) => `${m.method}:${m.known}`)).toEqual({
      'hms:false': 107,
      'return_home_info:true': 104,
      'uom_fly_data_info:false': 96,
      'airsense_warning:false': 85,
      'psdk_floating_window_text:false': 44,
      'flighttask_progress:true': 35,
      'fly_to_point_progress:false': 6,
      'drc_status_notify:false': 5,
      'release_terminal_control_area:false': 4,
      'track:false': 2,
    });
  });

  it('reads need_reply 1 / 0 / absent as 22 true among events', () => {
    const events = messages['dock-events.jsonl'];
    expect(events.filter((m) => m.needReply)).toHaveLength(22);
    expect(
      countBy(
        events.filter((m) => m.needReply),
        (m) => m.method ?? 'none',
      ),
    ).toEqual({
      airsense_warning: 8,
      drc_status_notify: 5,
      release_terminal_control_area: 4,
      flighttask_progress: 3,
      fly_to_point_progress: 2,
    });
  });

  it('keeps airsense_warning data as the array the dock sent', () => {
    const warnings = messages['dock-events.jsonl'].filter((m) => m.method === 'airsense_warning');
    expect(warnings).toHaveLength(85);
    for (const warning of warnings) expect(Array.isArray(warning.data)).toBe(true);
  });

  it('gives flighttask_progress one canonical shape: in_progress, paused, failed with 322283', () => {
    const progress = messages['dock-events.jsonl'].filter(
      (m): m is MessageOf<'events', 'flighttask_progress'> =>
        m.known && m.family === 'events' && m.method === 'flighttask_progress',
    );
    expect(progress).toHaveLength(35);
    expect(countBy(progress, (m) => m.data.output.status)).toEqual({
      in_progress: 32,
      paused: 2,
      failed: 1,
    });
    for (const m of progress) expect(m.bid).toBe('T-FIXTURE-001');

    const failed = progress.filter((m) => isFinalTaskStatus(m.data.output.status));
    expect(failed).toHaveLength(1);
    const [last] = failed;
    expect(last?.data.result).toBe(322283);
    expect(last?.data.output.progress).toEqual({ current_step: 36, percent: 95 });
    expect(describeResultCode(322283)).toMatchObject({
      family: 'flight_controller',
      meaning: 'user triggered return to home',
      breakReason: last?.data.output.ext?.break_point?.break_reason,
    });
    // transition_wayline_info is not in the table and is kept.
    expect(progress[0]?.data.output.ext).toHaveProperty('transition_wayline_info');
  });

  it('accepts the real cloud’s commands: flight_ids [""] and return_home data ""', () => {
    const services = messages['dock-services.jsonl'];
    const known = services.filter((m) => m.known);
    expect(countBy(known, (m) => m.method ?? 'none')).toEqual({
      flighttask_pause: 1,
      flighttask_recovery: 1,
      return_home: 1,
    });
    const returnHome = known.find((m) => m.method === 'return_home');
    expect(returnHome?.data).toEqual({});
    expect(returnHome?.flags).toContain('empty_string_data');
    expect(known.find((m) => m.method === 'flighttask_pause')?.data).toEqual({ flight_ids: [''] });
    expect(services.filter((m) => !m.known)).toHaveLength(61);
  });

  it('matches services_reply 1:1 by tid, result codes kept', () => {
    const commands = new Map(messages['dock-services.jsonl'].map((m) => [m.tid, m.method]));
    const replies = messages['dock-services_reply.jsonl'];
    for (const reply of replies) expect(commands.get(reply.tid)).toBe(reply.method);
    const failed = replies.filter((m) => (m.data as { result: number }).result !== 0);
    expect(failed.map((m) => [m.method, (m.data as { result: number }).result])).toEqual([
      ['live_start_push', 513003],
    ]);
  });

  it('rebuilds each recorded events_reply from its event with buildEventsReply', () => {
    const events = new Map(messages['dock-events.jsonl'].map((m) => [m.tid, m]));
    const recorded = readRecording('dock-events_reply.jsonl');
    expect(recorded).toHaveLength(10);
    for (const line of recorded) {
      const event = events.get(line.parsed.tid as string);
      expect(event?.needReply).toBe(true);
      if (!event) continue;
      const reply = buildEventsReply(event, line.parsed.timestamp as number);
      if (!reply.ok) throw new Error(reply.error.message);
      expect(reply.message.topic).toBe(line.topic);
      expect(reply.message.envelope).toEqual(line.parsed);
    }
  });

  it('carries osd and state through with no method, data untouched', () => {
    for (const m of [...messages['dock-osd.jsonl'], ...messages['dock-state.jsonl']]) {
      expect(m).toMatchObject({ method: null, known: false, gateway: 'SN_DOCK_FIXTURE' });
      expect(m.flags).not.toContain('gateway_mismatch');
    }
    const first = readRecording('dock-osd.jsonl')[0];
    expect(messages['dock-osd.jsonl'][0]?.data).toEqual(first?.parsed.data);
  });
});
