/**
 * The task states of the mission service and their groups, defined once. The contracts (the
 * mission.task-events record), the mission's domain and state machine, its SQL, and the file
 * service's flight binding all derive from these lists, so a new state cannot compile in one
 * place while another disagrees.
 */

/** Waiting for the scheduler or the dock; cancel still applies. */
export const NOT_STARTED_TASK_STATES = ['scheduled', 'preparing', 'prepared', 'ready'] as const;

/**
 * The dock has the task (cancel no longer applies): only the dock's reports and answers move
 * it on, so a dock that goes silent would hold it here for good without the watchdog.
 */
export const STARTED_TASK_STATES = ['executing', 'in_progress', 'paused'] as const;

/** A final state refuses every event, so late or duplicate dock events never reopen a task. */
export const FINAL_TASK_STATES = [
  'ok',
  'partially_done',
  'failed',
  'rejected',
  'canceled',
  'timeout',
] as const;

/** Not final: the task still wants the scheduler or the dock. */
export const OPEN_TASK_STATES = [...NOT_STARTED_TASK_STATES, ...STARTED_TASK_STATES] as const;

/** Every task state, in lifecycle order. */
export const taskStates = [...OPEN_TASK_STATES, ...FINAL_TASK_STATES] as const;
export type TaskState = (typeof taskStates)[number];
export type FinalTaskState = (typeof FINAL_TASK_STATES)[number];

/** States in which the dock is occupied by a task: nothing else is sent to it meanwhile. */
export const DOCK_OCCUPYING_TASK_STATES = [
  'preparing',
  ...STARTED_TASK_STATES,
] as const satisfies readonly TaskState[];

const FINAL: ReadonlySet<string> = new Set(FINAL_TASK_STATES);

export function isTaskState(value: unknown): value is TaskState {
  return typeof value === 'string' && (taskStates as readonly string[]).includes(value);
}

export function isFinalTaskState(state: TaskState): state is FinalTaskState {
  return FINAL.has(state);
}

/**
 * A group as an SQL list literal, e.g. `('executing','in_progress','paused')`: no spaces, so a
 * query's predicate matches a partial index written the same way.
 */
export function sqlTaskStateList(states: readonly TaskState[]): string {
  return `(${states.map((s) => `'${s}'`).join(',')})`;
}
