import { FINAL_TASK_STATES, isFinalTaskState, TaskState } from '@dock/contracts';
import type {
  ExecutableConditions,
  PrepareBreakPoint,
  ProgressBreakPoint,
  ReadyConditions,
  SimulateMission,
  TaskType,
} from '@dock/protocol';

export type { TaskState };

export const FINAL_STATES: readonly TaskState[] = FINAL_TASK_STATES;

export function isFinalState(state: TaskState): boolean {
  return isFinalTaskState(state);
}

/** Task types of flighttask_prepare.task_type. */
export const TASK_TYPE_IMMEDIATE: TaskType = 0;
export const TASK_TYPE_TIMED: TaskType = 1;
export const TASK_TYPE_CONDITIONAL: TaskType = 2;

/** Everything flighttask_prepare takes, except the file (fetched fresh at prepare time). */
export interface TaskSpec {
  taskType: TaskType;
  /** UTC ms. Timed: when to execute. Immediate: set when the prepare is sent. Conditional: null. */
  executeTime: number | null;
  readyConditions: ReadyConditions | null;
  executableConditions: ExecutableConditions | null;
  /** Metres, 20..1500. */
  rthAltitude: number;
  rthMode: 0 | 1 | null;
  outOfControlAction: 0 | 1 | 2;
  exitWaylineWhenRcLost: 0 | 1;
  breakPoint: PrepareBreakPoint | null;
  simulateMission: SimulateMission | null;
  waylineType: 0 | 1;
}

/** The dock's last flighttask_progress, as far as the task keeps it. */
export interface TaskProgress {
  status: string;
  currentStep: number | null;
  percent: number | null;
  waypointIndex: number | null;
  mediaCount: number | null;
  waylineMissionState: number | null;
  breakPoint: ProgressBreakPoint | null;
  /** The dock's timestamp of the report (receive time when it sent none): orders reports. */
  reportedAt: number;
}

export interface WaylineFileRef {
  url: string;
  fingerprint: string;
}

export interface Task {
  /** The task's id and flighttask_prepare.flight_id. */
  flightId: string;
  /** The organization the task belongs to (fixed at creation; lists and reads are scoped by it). */
  organizationId: string;
  gatewaySn: string;
  waylineId: string;
  name: string;
  creator: string;
  planId: string | null;
  /** The interrupted task this one resumes from its break point. */
  resumedFrom: string | null;
  spec: TaskSpec;
  state: TaskState;
  /** Optimistic concurrency: every write names the version it read. */
  version: number;
  /** When the scheduler should look at the task next (UTC ms); null: the dock drives it. */
  nextActionAt: number | null;
  /** Attempts of the current step (prepare, then execute); reset when a step is accepted. */
  attempts: number;
  /** The prepare or execute command in flight; replies of older attempts are ignored. */
  pendingCommandId: string | null;
  /** The flighttask_undo in flight: the scheduler leaves the task alone meanwhile. */
  cancelCommandId: string | null;
  /** When flighttask_ready named the task (conditional tasks). */
  readyAt: number | null;
  resultCode: number | null;
  resultMeaning: string | null;
  lastCause: string;
  progress: TaskProgress | null;
  file: WaylineFileRef | null;
  createdAt: number;
  updatedAt: number;
}

/** One entry of a task's history. */
export interface TaskTransition {
  from: TaskState | null;
  to: TaskState;
  cause: string;
  resultCode: number | null;
  resultMeaning: string | null;
  at: number;
}

/** The time the task is planned for: what lists filter and sort on. */
export function plannedAt(task: Pick<Task, 'spec' | 'createdAt'>): number {
  if (task.spec.taskType === TASK_TYPE_CONDITIONAL && task.spec.readyConditions) {
    return task.spec.readyConditions.begin_time;
  }
  return task.spec.executeTime ?? task.createdAt;
}
