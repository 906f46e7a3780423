import { defineEnumTable } from './enum-table';

/** flighttask_progress.status (and the return_home reply's output.status). */
export const TASK_STATUSES = [
  'sent',
  'in_progress',
  'paused',
  'ok',
  'partially_done',
  'rejected',
  'failed',
  'canceled',
  'timeout',
] as const;
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

const FINAL_STATUSES: ReadonlySet<string> = new Set<TaskStatus>([
  'ok',
  'partially_done',
  'rejected',
  'failed',
  'canceled',
  'timeout',
]);

export function isTaskStatus(value: unknown): value is TaskStatus {
  return TASK_STATUS.isKnown(value);
}

/**
 * Final statuses end the task: on them `data.result` carries the error code when not 0.
 * An unknown status is not final: the task stays open until a status we understand arrives,
 * which is safer than closing a flight on a word we cannot read.
 */
export function isFinalTaskStatus(status: unknown): boolean {
  return typeof status === 'string' && FINAL_STATUSES.has(status);
}
