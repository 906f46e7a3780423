import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import { checkTiming } from '../domain/new-task';
import {
  generateTasks,
  GenerationSettings,
  Plan,
  PlanTaskTemplate,
  suspendIfDockLeft,
} from '../domain/plan';
import { validateSpec } from '../domain/prepare-data';
import { checkRecurrence, Recurrence } from '../domain/recurrence';
import { requestCancel, withdrawBeforeDispatch } from '../domain/task-lifecycle';
import { isRefusal } from '../domain/task-mutation';
import type { TimingSettings } from '../domain/task-timing';
import { withConflictRetry } from './conflict-retry';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import type { Wakeups } from './mission-service';
import { requireOwnDock } from './dock-scope';
import type { DockOrganizations, MissionStore, MissionTx } from './ports';
import { specFieldName } from './spec-fields';

export interface CreatePlanInput {
  organizationId: string;
  name: string;
  creator: string;
  gatewaySn: string;
  waylineId: string;
  recurrence: Recurrence;
  startsAt: number | null;
  endsAt: number;
  template: PlanTaskTemplate;
}

/** What PlanService works with. */
export interface PlanServiceParts {
  store: MissionStore;
  clock: Clock;
  timing: TimingSettings;
  /** How far ahead and how many tasks a generation round makes. */
  generation: GenerationSettings;
  newId: () => string;
  wakeups: Wakeups;
  logger: Logger;
  docks: DockOrganizations;
}

/**
 * Recurring plans: a cron expression in an IANA time zone, expanded into timed tasks ahead of
 * time by whichever replica locks the plan first. Pausing or deleting a plan cancels its tasks
 * that have not started (an undo goes to the dock for those it prepared).
 */
export class PlanService {
  private readonly store: MissionStore;
  private readonly clock: Clock;
  private readonly timing: TimingSettings;
  private readonly generation: GenerationSettings;
  private readonly newId: () => string;
  private readonly wakeups: Wakeups;
  private readonly logger: Logger;
  private readonly docks: DockOrganizations;

  constructor(parts: PlanServiceParts) {
    ({
      store: this.store,
      clock: this.clock,
      timing: this.timing,
      generation: this.generation,
      newId: this.newId,
      wakeups: this.wakeups,
      logger: this.logger,
      docks: this.docks,
    } = parts);
  }

  async create(input: CreatePlanInput): Promise<Plan> {
    await requireOwnDock(this.docks, input.gatewaySn, input.organizationId);
    const now = this.clock.now();
    const recurrence = checkRecurrence(input.recurrence);
    if (!recurrence.ok) throw new InvalidInputError(recurrence.field, recurrence.message);
    const startsAt = input.startsAt ?? now;
    if (input.endsAt <= Math.max(startsAt, now)) {
      throw new InvalidInputError('endsAt', 'must be after startsAt and in the future');
    }
    const spec = {
      ...input.template,
      taskType: 1 as const,
      executeTime: now + this.timing.minPrepareLeadMs,
      readyConditions: null,
      breakPoint: null,
    };
    const timing = checkTiming(spec, now, this.timing);
    if (timing) throw new InvalidInputError(timing.field, timing.message);
    const checked = validateSpec({ flightId: 'plan', spec });
    if (!checked.ok)
      throw new InvalidInputError(specFieldName(checked.error.path), checked.error.rule);
    const plan: Plan = {
      id: this.newId(),
      organizationId: input.organizationId,
      name: input.name,
      creator: input.creator,
      gatewaySn: input.gatewaySn,
      waylineId: input.waylineId,
      recurrence: input.recurrence,
      startsAt,
      endsAt: input.endsAt,
      template: input.template,
      state: 'active',
      stateReason: null,
      generatedUntil: Math.max(startsAt - 1, now),
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.transaction((tx) => tx.insertPlan(plan));
    this.logger.info(
      { planId: plan.id, dockSn: plan.gatewaySn, cron: plan.recurrence.cron },
      'plan created',
    );
    await this.extendPlans();
    return (await this.store.findPlan(plan.id, plan.organizationId)) ?? plan;
  }

  /**
   * Generates the tasks of plans whose horizon moved on; returns how many were created. A plan
   * whose dock is no longer its organization's is suspended instead (suspendIfDockLeft).
   */
  async extendPlans(): Promise<number> {
    const now = this.clock.now();
    const suspended: Plan[] = [];
    const created = await this.store.transaction(async (tx) => {
      let count = 0;
      const locked = await tx.lockPlansToExtend(now + this.generation.horizonMs, 10);
      for (const { plan, dockOrganizationId } of locked) {
        const stopped = suspendIfDockLeft(plan, dockOrganizationId, now);
        if (stopped) {
          await tx.savePlan(stopped);
          // The tasks' cause is the plan's reason: a task's history says why it was canceled.
          await this.withdrawTasks(tx, plan, now, stopped.stateReason);
          suspended.push(stopped);
          continue;
        }
        const { tasks, generatedUntil } = generateTasks(
          plan,
          now,
          this.timing,
          this.generation,
          this.newId,
        );
        for (const task of tasks) if (await tx.insertTask(task)) count += 1;
        await tx.savePlan({ ...plan, generatedUntil, updatedAt: now });
      }
      return count;
    });
    for (const plan of suspended) {
      this.logger.warn(
        { planId: plan.id, dockSn: plan.gatewaySn, organizationId: plan.organizationId },
        'plan suspended: its dock no longer belongs to its organization',
      );
    }
    if (created > 0) this.wakeups.schedule();
    if (created > 0 || suspended.length > 0) this.wakeups.relay();
    return created;
  }

  async pause(id: string, organizationId: string): Promise<Plan> {
    return this.changeState(id, organizationId, 'paused');
  }

  async resume(id: string, organizationId: string): Promise<Plan> {
    // A paused or suspended plan flies again only on a dock that is (again) the organization's.
    // Asked before the transaction: the embedded database serves one transaction at a time.
    const found = await this.store.findPlan(id, organizationId);
    if (found?.state === 'paused' || found?.state === 'suspended') {
      await requireOwnDock(this.docks, found.gatewaySn, organizationId);
    }
    const plan = await withConflictRetry(() =>
      this.store.transaction(async (tx) => {
        const current = await this.lockedPlan(tx, id, organizationId);
        if (current.state === 'deleted') throw new ConflictError(`plan ${id} is deleted`);
        if (current.state === 'active') return current;
        const now = this.clock.now();
        // Occurrences missed while paused are not caught up: tasks resume from now on.
        return tx.savePlan({
          ...current,
          state: 'active',
          stateReason: null,
          generatedUntil: Math.max(current.generatedUntil, now),
          updatedAt: now,
        });
      }),
    );
    await this.extendPlans();
    return (await this.store.findPlan(id, organizationId)) ?? plan;
  }

  async delete(id: string, organizationId: string): Promise<Plan> {
    return this.changeState(id, organizationId, 'deleted');
  }

  private async changeState(
    id: string,
    organizationId: string,
    state: 'paused' | 'deleted',
  ): Promise<Plan> {
    const plan = await withConflictRetry(() =>
      this.store.transaction(async (tx) => {
        const current = await this.lockedPlan(tx, id, organizationId);
        if (current.state === 'deleted') throw new ConflictError(`plan ${id} is deleted`);
        const now = this.clock.now();
        const saved = await tx.savePlan({ ...current, state, stateReason: null, updatedAt: now });
        await this.stopFutureTasks(
          tx,
          current,
          now,
          state === 'paused' ? 'plan_paused' : 'plan_deleted',
        );
        return saved;
      }),
    );
    this.wakeups.relay();
    return plan;
  }

  /** Another organization's plan is "no plan", exactly as an unknown id. */
  private async lockedPlan(tx: MissionTx, id: string, organizationId: string): Promise<Plan> {
    const plan = await tx.getPlan(id, true);
    if (!plan || plan.organizationId !== organizationId) throw new NotFoundError(`no plan ${id}`);
    return plan;
  }

  /**
   * Cancels the plan's tasks that were never sent to its dock, for `cause`. Those the dock
   * already has are left to it: taking them back would be a command to the dock, which is no
   * longer the plan's organization's to command.
   */
  private async withdrawTasks(
    tx: MissionTx,
    plan: Plan,
    now: number,
    cause: string,
  ): Promise<void> {
    for (const task of await tx.openTasksOfPlan(plan.id)) {
      const canceled = withdrawBeforeDispatch(task, now, this.timing, cause);
      if (canceled) await tx.saveTask(canceled);
    }
  }

  /** Cancels the plan's tasks that have not started; one undo for those the dock prepared. */
  private async stopFutureTasks(
    tx: MissionTx,
    plan: Plan,
    now: number,
    cause: string,
  ): Promise<void> {
    const undoId = this.newId();
    const undo: string[] = [];
    let carrier: Parameters<MissionTx['saveTask']>[0] | null = null;
    for (const task of await tx.openTasksOfPlan(plan.id)) {
      const decision = requestCancel(task, undoId, now, this.timing);
      if (isRefusal(decision)) continue; // running, or already being canceled: it finishes
      const mutation = decision.mutation;
      if (mutation.transition) {
        mutation.transition.cause = cause;
        mutation.task.lastCause = cause;
      }
      if (decision.needsUndo) {
        undo.push(task.flightId);
        carrier ??= mutation;
        if (carrier !== mutation) await tx.saveTask(mutation);
      } else {
        await tx.saveTask(mutation);
      }
    }
    if (carrier) {
      carrier.commands.push({
        id: undoId,
        gatewaySn: plan.gatewaySn,
        method: 'flighttask_undo',
        flightIds: undo,
        bid: undoId,
        data: { flight_ids: undo },
        attempt: 1,
      });
      await tx.saveTask(carrier);
    }
  }
}
