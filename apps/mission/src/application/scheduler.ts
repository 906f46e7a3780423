import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import { DockAction, dockNextLookAt, planDock } from '../domain/dock-planner';
import { timeOutSilent } from '../domain/in-flight-watchdog';
import type { Task } from '../domain/task';
import {
  dispatchExecute,
  dispatchPrepare,
  expire,
  move,
  onStepAnswer,
  postponePrepare,
} from '../domain/task-lifecycle';
import { isRefusal, TaskMutation, Refusal } from '../domain/task-mutation';
import type { TimingSettings } from '../domain/task-timing';
import {
  DueDock,
  MissionStore,
  MissionTx,
  VersionConflictError,
  WaylineUnavailableError,
  WaylineUrlProvider,
} from './ports';

export interface SchedulerSettings {
  timing: TimingSettings;
  /** Docks claimed per batch at most (one transaction, a few statements, for the whole batch). */
  docksPerRound: number;
  /** Batches a round runs at once (default 1); SKIP LOCKED keeps them off each other's docks. */
  concurrency?: number;
}

/** What the Scheduler works with. */
export interface SchedulerParts {
  store: MissionStore;
  clock: Clock;
  waylines: WaylineUrlProvider;
  settings: SchedulerSettings;
  newId: () => string;
  logger: Logger;
}

export interface RoundResult {
  docks: number;
  actions: number;
  commands: number;
  /** A batch came back full: more may be due now. */
  more: boolean;
  /** The earliest due time of any dock after the round (null: nothing waits for a time). */
  nextDueAt: number | null;
}

/**
 * Claims due work from PostgreSQL and acts on it, in sets: one statement claims a batch of due
 * docks with their open tasks (row locks, SKIP LOCKED: replicas never claim the same dock, so
 * never the same task); the domain decides per dock and per task; one transaction writes the
 * batch's tasks, history, commands and outbox records in a few multi-row statements, with each
 * dock's next due time. Every task write is versioned besides. Nothing is kept in memory
 * between rounds; a replica that dies loses nothing.
 */
export class Scheduler {
  private readonly store: MissionStore;
  private readonly clock: Clock;
  private readonly waylines: WaylineUrlProvider;
  private readonly settings: SchedulerSettings;
  private readonly newId: () => string;
  private readonly logger: Logger;

  constructor(parts: SchedulerParts) {
    ({
      store: this.store,
      clock: this.clock,
      waylines: this.waylines,
      settings: this.settings,
      newId: this.newId,
      logger: this.logger,
    } = parts);
  }

  /** How long until `at` on the scheduler's clock (negative: past). */
  msUntil(at: number): number {
    return at - this.clock.now();
  }

  async runRound(): Promise<RoundResult> {
    const result: RoundResult = { docks: 0, actions: 0, commands: 0, more: false, nextDueAt: null };
    const workers = Math.max(1, this.settings.concurrency ?? 1);
    const outcomes = await Promise.allSettled(
      Array.from({ length: workers }, () => this.runBatch(result, this.settings.docksPerRound)),
    );
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
    result.nextDueAt = await this.store.nextDueAt();
    return result;
  }

  /**
   * Plans the named docks now if they have due work (an immediate task just created, a dock
   * that just answered): no wait for the next round. A dock another replica holds is its work.
   */
  async dispatchDocks(gatewaySns: readonly string[]): Promise<RoundResult> {
    const result: RoundResult = { docks: 0, actions: 0, commands: 0, more: false, nextDueAt: null };
    if (gatewaySns.length > 0) await this.runBatch(result, gatewaySns.length, gatewaySns);
    return result;
  }

  /** One batch in one transaction; a lost race (stale version, deadlock) leaves it to the next. */
  private async runBatch(
    result: RoundResult,
    limit: number,
    only?: readonly string[],
  ): Promise<void> {
    try {
      await this.store.transaction(async (tx) => {
        const now = this.clock.now();
        const docks = await tx.claimDueDocks(now, limit, only);
        if (docks.length >= limit && !only) result.more = true;
        const planned = await Promise.all(docks.map((dock) => this.planDock(tx, dock, now)));
        const mutations = planned.flatMap((p) => p.mutations);
        await tx.saveTasks(mutations);
        await tx.setDockDue(planned.map((p) => ({ gatewaySn: p.gatewaySn, dueAt: p.dueAt })));
        result.docks += docks.length;
        result.actions += planned.reduce((n, p) => n + p.actions, 0);
        result.commands += mutations.reduce((n, m) => n + m.commands.length, 0);
        if (planned.some((p) => p.dueAt !== null && p.dueAt <= now)) result.more = true;
        for (const m of mutations) this.logAction(m);
      });
    } catch (error) {
      if (!(error instanceof VersionConflictError) && !isDeadlock(error)) throw error;
      // Someone changed a task of the batch meanwhile: the docks stay due and the next round
      // plans them again on what is current.
      this.logger.debug({ err: error }, 'batch lost a race; planning again');
      result.more = true;
    }
  }

  private async planDock(
    tx: MissionTx,
    dock: DueDock,
    now: number,
  ): Promise<{
    gatewaySn: string;
    mutations: TaskMutation[];
    actions: number;
    dueAt: number | null;
  }> {
    const timing = this.settings.timing;
    const actions = planDock(dock.tasks, now, timing);
    const after = new Map(dock.tasks.map((task) => [task.flightId, task]));
    const mutations: TaskMutation[] = [];
    for (const action of actions) {
      const task = after.get(action.flightId);
      if (!task) continue;
      const mutation = await this.decide(tx, task, action, now);
      if (mutation === null || isRefusal(mutation)) continue;
      mutations.push(mutation);
      after.set(task.flightId, mutation.task);
    }
    const next = dockNextLookAt([...after.values()], now, timing);
    return { gatewaySn: dock.gatewaySn, mutations, actions: actions.length, dueAt: next };
  }

  private logAction(mutation: TaskMutation): void {
    const { task, transition } = mutation;
    // A silent dock is news for the operator (its task event says so too); the rest is routine.
    const silent = task.lastCause.startsWith('dock_silent');
    this.logger[silent ? 'warn' : 'info'](
      {
        flightId: task.flightId,
        dockSn: task.gatewaySn,
        from: transition?.from ?? task.state,
        to: task.state,
        cause: task.lastCause,
      },
      'scheduler acted',
    );
  }

  private async decide(
    tx: MissionTx,
    task: Task,
    action: DockAction,
    now: number,
  ): Promise<TaskMutation | Refusal | null> {
    const timing = this.settings.timing;
    switch (action.kind) {
      case 'expire':
        return expire(task, now, timing);
      case 'dock_silent':
        return timeOutSilent(task, now, timing);
      case 'reply_overdue': {
        const completed = await tx.completeCommand(action.commandId, {
          state: 'timeout',
          resultCode: null,
          resultMeaning: null,
          error: 'no reply before the mission service deadline',
          at: now,
        });
        if (!completed) return null;
        const step = task.state === 'preparing' ? 'prepare' : 'execute';
        return onStepAnswer(
          task,
          action.commandId,
          step,
          { outcome: 'timeout', result: null },
          now,
          timing,
        );
      }
      case 'prepare': {
        try {
          const file = await this.waylines.bind({
            flightId: task.flightId,
            waylineId: task.waylineId,
            gatewaySn: task.gatewaySn,
            organizationId: task.organizationId,
          });
          return dispatchPrepare(task, file, this.newId(), now, timing);
        } catch (error) {
          if (error instanceof WaylineUnavailableError) {
            return failForWayline(task, now, timing, error.message);
          }
          this.logger.warn(
            { err: error, flightId: task.flightId },
            'no wayline URL; prepare postponed',
          );
          return postponePrepare(task, now, timing, 'file_service_unavailable');
        }
      }
      case 'execute':
        return dispatchExecute(task, this.newId(), now, timing);
    }
  }
}

/** A prepare with no file cannot succeed: fail now rather than retry until the window closes. */
function failForWayline(task: Task, now: number, timing: TimingSettings, why: string) {
  return move(
    task,
    { type: 'fail' },
    { now, settings: timing, cause: `wayline_unavailable: ${why}` },
  );
}

/** PostgreSQL's deadlock_detected: two transactions took the same rows in another order. */
function isDeadlock(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | null;
  return e?.code === '40P01' || e?.driverError?.code === '40P01';
}
