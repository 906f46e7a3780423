import { occurrences, Recurrence } from './recurrence';
import type { TaskSpec } from './task';
import { TASK_TYPE_TIMED } from './task';
import { newTask } from './new-task';
import type { TaskMutation } from './task-mutation';
import type { TimingSettings } from './task-timing';

/**
 * A plan's states, defined once (the API's enum reads this list; the SQL check of the
 * migrations spells the same values). Only an active plan generates tasks; suspended is the
 * system's own stop (see PLAN_SUSPENSION_REASONS), paused and deleted are an operator's.
 */
export const PLAN_STATES = ['active', 'paused', 'suspended', 'deleted'] as const;
export type PlanState = (typeof PLAN_STATES)[number];

/**
 * Why the system suspended a plan. dock_moved_organization: its dock now belongs to another
 * organization, or to none, so the plan's organization may no longer fly it.
 */
export const PLAN_SUSPENSION_REASONS = ['dock_moved_organization'] as const;
export type PlanSuspensionReason = (typeof PLAN_SUSPENSION_REASONS)[number];

/** What every task of a plan flies with (a timed task at each occurrence). */
export type PlanTaskTemplate = Omit<
  TaskSpec,
  'taskType' | 'executeTime' | 'readyConditions' | 'breakPoint'
>;

export interface Plan {
  id: string;
  /** The organization the plan (and every task it generates) belongs to. */
  organizationId: string;
  name: string;
  creator: string;
  gatewaySn: string;
  waylineId: string;
  recurrence: Recurrence;
  /** Occurrences from this time on (UTC ms). */
  startsAt: number;
  /** No occurrence after this (UTC ms). */
  endsAt: number;
  template: PlanTaskTemplate;
  state: PlanState;
  /** Why the plan is suspended; null in every other state. */
  stateReason: PlanSuspensionReason | null;
  /** Occurrences up to here have tasks (UTC ms). */
  generatedUntil: number;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface GenerationSettings {
  /** How far ahead tasks exist. */
  horizonMs: number;
  /** At most this many tasks per plan and round. */
  batch: number;
}

/**
 * The plan's next tasks: one timed task per occurrence in (generatedUntil, now + horizon],
 * bounded by the plan's start and end. An occurrence too close to prepare for is skipped.
 */
export function generateTasks(
  plan: Plan,
  now: number,
  timing: TimingSettings,
  generation: GenerationSettings,
  newId: () => string,
): { tasks: TaskMutation[]; generatedUntil: number } {
  const after = Math.max(plan.generatedUntil, plan.startsAt - 1);
  const until = Math.min(plan.endsAt, now + generation.horizonMs);
  if (plan.state !== 'active' || until <= after)
    return { tasks: [], generatedUntil: plan.generatedUntil };
  const times = occurrences(plan.recurrence, after, until, generation.batch);
  const reachedBatch = times.length === generation.batch;
  const generatedUntil = reachedBatch ? times[times.length - 1] : until;
  const tasks = times
    .filter((time) => time >= now + timing.minPrepareLeadMs)
    .map((executeTime) =>
      newTask(
        {
          flightId: newId(),
          organizationId: plan.organizationId,
          gatewaySn: plan.gatewaySn,
          waylineId: plan.waylineId,
          name: plan.name,
          creator: plan.creator,
          planId: plan.id,
          spec: {
            ...plan.template,
            taskType: TASK_TYPE_TIMED,
            executeTime,
            readyConditions: null,
            breakPoint: null,
          },
        },
        now,
        timing,
      ),
    );
  return { tasks, generatedUntil };
}

/**
 * A plan flies its organization's dock only while the dock is still that organization's: once
 * the registry moved the dock to another organization, or unbound it, an active plan is
 * suspended (the system's stop, shown with its reason) and generates nothing more. Returns the
 * suspended plan, or null when the plan goes on. `dockOrganizationId`: the dock's organization
 * now (null: bound to none).
 */
export function suspendIfDockLeft(
  plan: Plan,
  dockOrganizationId: string | null,
  now: number,
): (Plan & { stateReason: PlanSuspensionReason }) | null {
  if (plan.state !== 'active' || dockOrganizationId === plan.organizationId) return null;
  return { ...plan, state: 'suspended', stateReason: 'dock_moved_organization', updatedAt: now };
}
