import { isFinalTaskStatus, isTaskStatus, TaskType } from '@dock/protocol';
import { NOT_STARTED_TASK_STATES, OPEN_TASK_STATES, STARTED_TASK_STATES } from '@dock/contracts';
import { isFinalState, TaskState, TASK_TYPE_CONDITIONAL } from './task';

/**
 * What can happen to a task. `*_requested` events are guards only (an operator asked; the
 * state moves when the dock accepts); the others move the task.
 */
export type TaskEvent =
  | { type: 'prepare_sent' }
  | { type: 'prepare_accepted' }
  /** The prepare was refused with a retryable code or got no answer: prepare again later. */
  | { type: 'prepare_retry' }
  | { type: 'ready_reported' }
  | { type: 'execute_sent' }
  | { type: 'execute_accepted' }
  /** The execute was refused with a retryable code or got no answer: execute again later. */
  | { type: 'execute_retry' }
  /** The dock refused prepare or execute with a code that retrying does not fix. */
  | { type: 'refused' }
  /** The task cannot start: its window passed (dock busy), retries ran out, no wayline... */
  | { type: 'fail' }
  /** A conditional task did not start before ready_conditions.end_time. */
  | { type: 'expire' }
  /** A started task heard nothing from its dock for longer than the silence limit. */
  | { type: 'dock_silent' }
  | { type: 'cancel_requested' }
  | { type: 'canceled' }
  | { type: 'pause_requested' }
  | { type: 'pause_accepted' }
  | { type: 'resume_requested' }
  | { type: 'resume_accepted' }
  /** flighttask_progress with the dock's status. */
  | { type: 'progress'; status: string };

export type TransitionResult =
  { ok: true; to: TaskState } | { ok: false; reason: string; final: boolean };

const NOT_STARTED: readonly TaskState[] = NOT_STARTED_TASK_STATES;
/** STARTED_TASK_STATES (libs/contracts): what the in-flight watchdog watches. */
export const STARTED_STATES: readonly TaskState[] = STARTED_TASK_STATES;
/** Any open task follows the dock's reports. */
const DOCK_MAY_REPORT: readonly TaskState[] = OPEN_TASK_STATES;

function refuse(state: TaskState, what: string): TransitionResult {
  return { ok: false, reason: `${what} is not allowed in state ${state}`, final: false };
}

function from(
  state: TaskState,
  allowed: readonly TaskState[],
  to: TaskState,
  what: string,
): TransitionResult {
  return allowed.includes(state) ? { ok: true, to } : refuse(state, what);
}

/**
 * The task state machine as a pure function: the next state, or why the event is refused.
 * A final state refuses everything, so late or duplicate dock events never reopen a task.
 * `to === state` means "allowed, nothing moves" (a duplicate report, a guard that passed).
 */
export function transition(
  state: TaskState,
  event: TaskEvent,
  taskType: TaskType,
): TransitionResult {
  if (isFinalState(state)) {
    return { ok: false, reason: `the task is final (${state})`, final: true };
  }
  const conditional = taskType === TASK_TYPE_CONDITIONAL;
  switch (event.type) {
    case 'prepare_sent':
      return from(state, ['scheduled'], 'preparing', 'sending flighttask_prepare');
    case 'prepare_accepted':
      return from(state, ['preparing'], 'prepared', 'accepting a prepare');
    case 'prepare_retry':
      return from(state, ['preparing'], 'scheduled', 'retrying a prepare');
    case 'ready_reported':
      if (!conditional) return refuse(state, 'flighttask_ready for a non-conditional task');
      return from(state, ['prepared', 'ready'], 'ready', 'flighttask_ready');
    case 'execute_sent':
      return from(
        state,
        conditional ? ['ready'] : ['prepared'],
        'executing',
        'sending flighttask_execute',
      );
    case 'execute_accepted':
      if (state === 'in_progress' || state === 'paused') return { ok: true, to: state };
      return from(state, ['executing'], 'in_progress', 'accepting an execute');
    case 'execute_retry':
      return from(state, ['executing'], conditional ? 'ready' : 'prepared', 'retrying an execute');
    case 'refused':
      return from(state, ['preparing', 'executing'], 'rejected', 'a refusal');
    case 'fail':
      return from(state, [...NOT_STARTED, 'executing'], 'failed', 'failing a task that started');
    case 'expire':
      if (!conditional) return refuse(state, 'ready window expiry of a non-conditional task');
      return from(state, [...NOT_STARTED, 'executing'], 'timeout', 'expiring the ready window');
    case 'dock_silent':
      return from(state, STARTED_STATES, 'timeout', 'timing out a silent dock');
    case 'cancel_requested':
      return from(state, NOT_STARTED, state, 'canceling (the task has started)');
    case 'canceled':
      return from(state, NOT_STARTED, 'canceled', 'canceling (the task has started)');
    case 'pause_requested':
      return from(state, ['in_progress'], state, 'pausing');
    case 'pause_accepted':
      return from(state, ['in_progress', 'paused'], 'paused', 'pausing');
    case 'resume_requested':
      return from(state, ['paused'], state, 'resuming');
    case 'resume_accepted':
      return from(state, ['paused', 'in_progress'], 'in_progress', 'resuming');
    case 'progress':
      return progressTransition(state, event.status);
  }
}

/** The dock is the authority on what it runs: any open task follows its reported status. */
function progressTransition(state: TaskState, status: string): TransitionResult {
  if (!DOCK_MAY_REPORT.includes(state)) return refuse(state, 'a progress report');
  if (isFinalTaskStatus(status) && isTaskStatus(status)) {
    return { ok: true, to: status as TaskState };
  }
  if (status === 'in_progress') return { ok: true, to: 'in_progress' };
  if (status === 'paused') return { ok: true, to: 'paused' };
  // 'sent' (the dock got the task) and statuses we cannot read keep the state as it is.
  return { ok: true, to: state };
}
