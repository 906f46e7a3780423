import { Task, TASK_TYPE_CONDITIONAL, TASK_TYPE_IMMEDIATE, TASK_TYPE_TIMED } from './task';

/** The protocol's bounds on when flighttask_prepare may go out before execute_time. */
export const PROTOCOL_MIN_PREPARE_LEAD_MS = 2 * 60_000;
export const PROTOCOL_MAX_PREPARE_LEAD_MS = 24 * 60 * 60_000;

export interface RetrySettings {
  /** Wait before the first retry; doubles with each attempt. */
  initialMs: number;
  maxMs: number;
  /** Attempts of one step (prepare or execute), the first send included. */
  maxAttempts: number;
}

export interface TimingSettings {
  /** How long before execute_time (or begin_time) the prepare goes out. */
  prepareLeadMs: number;
  /** The last moment, before execute_time, a timed task may still be prepared. */
  minPrepareLeadMs: number;
  /** How long an immediate task may wait (busy dock, retries) before it fails. */
  immediateWindowMs: number;
  /** How late after execute_time a timed task may still be executed. */
  executeGraceMs: number;
  /** A command with no reply after this long counts as timed out (the gateway's own deadline
   *  should come first; this guards against a gateway that lost it). */
  replyDeadlineMs: number;
  /** A started task with no word from its dock for longer than this times out; null: never. */
  inFlightSilenceMs: number | null;
  retry: RetrySettings;
}

/** When the prepare is due. */
export function prepareDueAt(task: Task, settings: TimingSettings): number {
  const { spec } = task;
  switch (spec.taskType) {
    case TASK_TYPE_TIMED:
      return Math.max(
        task.createdAt,
        (spec.executeTime ?? task.createdAt) - settings.prepareLeadMs,
      );
    case TASK_TYPE_CONDITIONAL:
      return Math.max(
        task.createdAt,
        (spec.readyConditions?.begin_time ?? task.createdAt) - settings.prepareLeadMs,
      );
    default:
      return task.createdAt;
  }
}

/** After this, a task that is not prepared yet has missed its window. */
export function prepareDeadline(task: Task, settings: TimingSettings): number {
  const { spec } = task;
  switch (spec.taskType) {
    case TASK_TYPE_TIMED:
      return (spec.executeTime ?? task.createdAt) - settings.minPrepareLeadMs;
    case TASK_TYPE_CONDITIONAL:
      return spec.readyConditions?.end_time ?? task.createdAt;
    default:
      return task.createdAt + settings.immediateWindowMs;
  }
}

/** When a prepared (or, for conditional tasks, ready) task may be executed. */
export function executeDueAt(task: Task, now: number): number {
  const { spec } = task;
  switch (spec.taskType) {
    case TASK_TYPE_TIMED:
      return spec.executeTime ?? now;
    case TASK_TYPE_CONDITIONAL:
      return Math.max(spec.readyConditions?.begin_time ?? now, task.readyAt ?? now);
    default:
      // Immediate: at once; its creation time keeps the dock's queue in creation order.
      return task.createdAt;
  }
}

/** After this, a task that has not started executing has missed its window. */
export function executeDeadline(task: Task, settings: TimingSettings): number {
  const { spec } = task;
  switch (spec.taskType) {
    case TASK_TYPE_TIMED:
      return (spec.executeTime ?? task.createdAt) + settings.executeGraceMs;
    case TASK_TYPE_CONDITIONAL:
      return spec.readyConditions?.end_time ?? task.createdAt;
    default:
      return task.createdAt + settings.immediateWindowMs;
  }
}

/** The deadline that applies in the task's current state (null once it runs or is final). */
export function currentDeadline(task: Task, settings: TimingSettings): number | null {
  switch (task.state) {
    case 'scheduled':
    case 'preparing':
      return prepareDeadline(task, settings);
    case 'prepared':
    case 'ready':
    case 'executing':
      return executeDeadline(task, settings);
    default:
      return null;
  }
}

/** How a missed window ends the task: conditional tasks time out, the others fail. */
export function missedWindowEvent(task: Task): 'expire' | 'fail' {
  return task.spec.taskType === TASK_TYPE_CONDITIONAL ? 'expire' : 'fail';
}

/**
 * Where the scheduler should look next, for the state the task is in (UTC ms); null when the
 * dock drives the task (running, paused) or it is final.
 */
export function nextActionAt(task: Task, now: number, settings: TimingSettings): number | null {
  switch (task.state) {
    case 'scheduled':
      return prepareDueAt(task, settings);
    case 'preparing':
    case 'executing':
      return now + settings.replyDeadlineMs;
    case 'prepared':
      return task.spec.taskType === TASK_TYPE_CONDITIONAL
        ? executeDeadline(task, settings) + 1 // waits for flighttask_ready; looked at to expire
        : executeDueAt(task, now);
    case 'ready':
      return executeDueAt(task, now);
    default:
      return null;
  }
}

/** Immediate tasks send execute_time = now; the dock refuses one more than ~30 s off. */
export function isImmediate(task: Task): boolean {
  return task.spec.taskType === TASK_TYPE_IMMEDIATE;
}
