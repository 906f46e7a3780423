import { defineEnumTable } from './enum-table';

/**
 * The statuses that end a task: on them `data.result` carries the error code when not 0. The
 * mission's final task states (libs/contracts) are these, pinned by the state machine's tests.
 */
export const FINAL_TASK_STATUSES = [
  'ok',
  'partially_done',
  'rejected',
  'failed',
  'canceled',
  'timeout',
] as const;
export type FinalTaskStatus = (typeof FINAL_TASK_STATUSES)[number];

/** flighttask_progress.status (and the return_home reply's output.status). */
export const TASK_STATUSES = ['sent', 'in_progress', 'paused', ...FINAL_TASK_STATUSES] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_STATUS = defineEnumTable<TaskStatus>('status', [
  ['sent', 'sent'],
  ['in_progress', 'in progress'],
  ['paused', 'paused'],
  ['ok', 'success'],
  ['partially_done', 'partially done'],
  ['rejected', 'rejected'],
  ['failed', 'failed'],
  ['canceled', 'canceled or stopped'],
  ['timeout', 'timeout'],
]);

const FINAL_STATUSES: ReadonlySet<string> = new Set<string>(FINAL_TASK_STATUSES);

export function isTaskStatus(value: unknown): value is TaskStatus {
  return TASK_STATUS.isKnown(value);
}

/**
 * Whether a status ends the task (FINAL_TASK_STATUSES). An unknown status is not final: the task stays open until a status we understand arrives,
 * which is safer than closing a flight on a word we cannot read.
 */
export function isFinalTaskStatus(status: unknown): boolean {
  return typeof status === 'string' && FINAL_STATUSES.has(status);
}
