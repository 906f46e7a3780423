import { isFinalTaskState, TaskState } from '@dock/contracts';

export { isFinalTaskState };

/**
 * The file service's own record of which flight flies which wayline, so it can answer a dock's
 * flighttask_resource_get while the mission service is down. Learned from two sources:
 * - the mission service's call for a URL before flighttask_prepare (POST /flights/{id}/wayline),
 *   which records the binding before the dock can ever ask;
 * - every task event on mission.task-events, which carries the wayline id and the task state.
 */
export interface FlightBinding {
  flightId: string;
  /** The task's organization: the API shows the binding to that organization only. */
  organizationId: string;
  waylineId: string;
  gatewaySn: string;
  /** The last task state seen on mission.task-events; null until the first event arrives. */
  taskState: TaskState | null;
  /** The task version of that event; older events never overwrite newer ones. */
  taskVersion: number | null;
  boundAt: Date;
  updatedAt: Date;
}

/**
 * Whether a binding keeps its wayline from being deleted: a task that is not final uses it.
 * A binding no task event has confirmed yet (the mission service asked for a URL, then maybe
 * never created the task) blocks only for `unconfirmedHoldMs` after it was made, so an
 * abandoned request cannot pin a file forever.
 */
export function blocksDeletion(
  binding: FlightBinding,
  nowMs: number,
  unconfirmedHoldMs: number,
): boolean {
  if (binding.taskState === null) return nowMs - binding.boundAt.getTime() < unconfirmedHoldMs;
  return !isFinalTaskState(binding.taskState);
}
