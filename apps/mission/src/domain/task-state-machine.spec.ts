import { FINAL_TASK_STATES, taskStates } from '@dock/contracts';
import { isFinalTaskStatus, TaskType } from '@dock/protocol';
import { TaskState } from './task';
import { TaskEvent, transition } from './task-state-machine';

type EventType = TaskEvent['type'];

const EVENTS: TaskEvent[] = [
  { type: 'prepare_sent' },
  { type: 'prepare_accepted' },
  { type: 'prepare_retry' },
  { type: 'ready_reported' },
  { type: 'execute_sent' },
  { type: 'execute_accepted' },
  { type: 'execute_retry' },
  { type: 'refused' },
  { type: 'fail' },
  { type: 'expire' },
  { type: 'dock_silent' },
  { type: 'cancel_requested' },
  { type: 'canceled' },
  { type: 'pause_requested' },
  { type: 'pause_accepted' },
  { type: 'resume_requested' },
  { type: 'resume_accepted' },
];

const NOT_STARTED: TaskState[] = ['scheduled', 'preparing', 'prepared', 'ready'];

/** Every allowed (state, event) -> state for a timed task; everything else is refused. */
const TIMED: Partial<Record<EventType, Partial<Record<TaskState, TaskState>>>> = {
  prepare_sent: { scheduled: 'preparing' },
  prepare_accepted: { preparing: 'prepared' },
  prepare_retry: { preparing: 'scheduled' },
  execute_sent: { prepared: 'executing' },
  execute_accepted: { executing: 'in_progress', in_progress: 'in_progress', paused: 'paused' },
  execute_retry: { executing: 'prepared' },
  refused: { preparing: 'rejected', executing: 'rejected' },
  fail: {
    scheduled: 'failed',
    preparing: 'failed',
    prepared: 'failed',
    ready: 'failed',
    executing: 'failed',
  },
  cancel_requested: Object.fromEntries(NOT_STARTED.map((s) => [s, s])),
  canceled: Object.fromEntries(NOT_STARTED.map((s) => [s, 'canceled'])),
  pause_requested: { in_progress: 'in_progress' },
  pause_accepted: { in_progress: 'paused', paused: 'paused' },
  resume_requested: { paused: 'paused' },
  resume_accepted: { paused: 'in_progress', in_progress: 'in_progress' },
  // The in-flight watchdog: only a started task can go silent; it times out whatever its type.
  dock_silent: { executing: 'timeout', in_progress: 'timeout', paused: 'timeout' },
};

/** A conditional task differs: it executes from ready, and times out instead of failing late. */
const CONDITIONAL: typeof TIMED = {
  ...TIMED,
  ready_reported: { prepared: 'ready', ready: 'ready' },
  execute_sent: { ready: 'executing' },
  execute_retry: { executing: 'ready' },
  expire: {
    scheduled: 'timeout',
    preparing: 'timeout',
    prepared: 'timeout',
    ready: 'timeout',
    executing: 'timeout',
  },
};

function cases(table: typeof TIMED): [TaskState, TaskEvent, TaskState | null][] {
  return taskStates.flatMap((state) =>
    EVENTS.map((event): [TaskState, TaskEvent, TaskState | null] => [
      state,
      event,
      table[event.type]?.[state] ?? null,
    ]),
  );
}

describe('task state machine', () => {
  describe.each<[string, TaskType, typeof TIMED]>([
    ['immediate', 0, TIMED],
    ['timed', 1, TIMED],
    ['conditional', 2, CONDITIONAL],
  ])('%s task', (_name, taskType, table) => {
    it.each(cases(table))('%s + %j -> %s', (state, event, expected) => {
      const result = transition(state, event, taskType);
      if (expected === null) {
        expect(result.ok).toBe(false);
      } else {
        expect(result).toEqual({ ok: true, to: expected });
      }
    });
  });

  it('never reopens a final task, whatever arrives', () => {
    const finals: TaskState[] = [
      'ok',
      'partially_done',
      'failed',
      'rejected',
      'canceled',
      'timeout',
    ];
    for (const state of finals) {
      for (const event of [...EVENTS, { type: 'progress', status: 'in_progress' } as TaskEvent]) {
        const result = transition(state, event, 1);
        expect(result).toEqual({ ok: false, reason: `the task is final (${state})`, final: true });
      }
    }
  });

  it('follows the dock on progress: running, paused, each final status', () => {
    expect(transition('executing', { type: 'progress', status: 'in_progress' }, 1)).toEqual({
      ok: true,
      to: 'in_progress',
    });
    expect(transition('in_progress', { type: 'progress', status: 'paused' }, 1)).toEqual({
      ok: true,
      to: 'paused',
    });
    for (const status of ['ok', 'partially_done', 'failed', 'rejected', 'canceled', 'timeout']) {
      expect(transition('in_progress', { type: 'progress', status }, 1)).toEqual({
        ok: true,
        to: status,
      });
    }
  });

  it('keeps the state for "sent" and for statuses it cannot read', () => {
    expect(transition('executing', { type: 'progress', status: 'sent' }, 0)).toEqual({
      ok: true,
      to: 'executing',
    });
    expect(transition('in_progress', { type: 'progress', status: 'warp_drive' }, 0)).toEqual({
      ok: true,
      to: 'in_progress',
    });
  });

  it('says why it refuses', () => {
    expect(transition('in_progress', { type: 'canceled' }, 1)).toEqual({
      ok: false,
      reason: 'canceling (the task has started) is not allowed in state in_progress',
      final: false,
    });
  });

  it('has a final task state for each final status the dock reports, and no other', () => {
    const finalStatuses = taskStates.filter((state) => isFinalTaskStatus(state));
    expect(finalStatuses).toEqual([...FINAL_TASK_STATES]);
  });
});
