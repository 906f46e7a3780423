import { plannedAt, Task, TaskSpec, TASK_TYPE_CONDITIONAL, TASK_TYPE_TIMED } from './task';
import { TaskMutation } from './task-mutation';
import { nextActionAt, TimingSettings } from './task-timing';

export interface NewTaskInput {
  flightId: string;
  organizationId: string;
  gatewaySn: string;
  waylineId: string;
  name: string;
  creator: string;
  spec: TaskSpec;
  planId?: string | null;
  resumedFrom?: string | null;
}

/** Why a task cannot be created with these times (the API answers 400 with it). */
export interface TimingProblem {
  field: string;
  message: string;
}

/**
 * The timing rules of the protocol that the shape of the input cannot express: a timed task
 * must leave time to prepare; a conditional window must still be open.
 */
export function checkTiming(
  spec: TaskSpec,
  now: number,
  settings: TimingSettings,
): TimingProblem | null {
  if (spec.taskType === TASK_TYPE_TIMED) {
    if (spec.executeTime === null)
      return { field: 'executeTime', message: 'is required for a timed task' };
    if (spec.executeTime < now + settings.minPrepareLeadMs) {
      return {
        field: 'executeTime',
        message: `must be at least ${Math.round(settings.minPrepareLeadMs / 1000)} s ahead (the dock needs time to prepare)`,
      };
    }
  }
  if (spec.taskType === TASK_TYPE_CONDITIONAL) {
    const window = spec.readyConditions;
    if (!window) return { field: 'readyConditions', message: 'is required for a conditional task' };
    if (window.end_time <= window.begin_time) {
      return { field: 'readyConditions.endTime', message: 'must be after beginTime' };
    }
    if (window.end_time <= now)
      return { field: 'readyConditions.endTime', message: 'is in the past' };
  }
  return null;
}

/** A new task in state scheduled, and its creation as a mutation (history + event). */
export function newTask(input: NewTaskInput, now: number, settings: TimingSettings): TaskMutation {
  const spec: TaskSpec =
    input.spec.taskType === TASK_TYPE_TIMED ? input.spec : { ...input.spec, executeTime: null };
  const task: Task = {
    flightId: input.flightId,
    organizationId: input.organizationId,
    gatewaySn: input.gatewaySn,
    waylineId: input.waylineId,
    name: input.name,
    creator: input.creator,
    planId: input.planId ?? null,
    resumedFrom: input.resumedFrom ?? null,
    spec,
    state: 'scheduled',
    version: 0,
    nextActionAt: null,
    attempts: 0,
    pendingCommandId: null,
    cancelCommandId: null,
    readyAt: null,
    resultCode: null,
    resultMeaning: null,
    lastCause: 'created',
    progress: null,
    file: null,
    createdAt: now,
    updatedAt: now,
  };
  task.nextActionAt = nextActionAt(task, now, settings);
  return {
    task,
    transition: {
      from: null,
      to: 'scheduled',
      cause: 'created',
      resultCode: null,
      resultMeaning: null,
      at: now,
    },
    publish: true,
    commands: [],
  };
}

export { plannedAt };
