import type { Logger } from 'pino';
import type { Clock } from '../domain/clock';
import { DockAction, planDock } from '../domain/dock-planner';
import { silentBefore, timeOutSilent } from '../domain/in-flight-watchdog';
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
  MissionStore,
  MissionTx,
  VersionConflictError,
  WaylineUnavailableError,
  WaylineUrlProvider,
} from './ports';

export interface SchedulerSettings {
  timing: TimingSettings;
  /** Docks planned per round at most (each in its own short transaction). */
  docksPerRound: number;
  /** Dock transactions a round runs at once (default 1). */
  concurrency?: number;
}

export interface RoundResult {
  docks: number;
  actions: number;
  commands: number;
}

/**
 * Claims due work from PostgreSQL and acts on it. Each dock is planned in its own transaction
 * that holds the dock's row lock (FOR UPDATE SKIP LOCKED): two replicas never plan the same
 * dock at once, and every task write is versioned besides, so no task is dispatched twice.
 * Nothing is kept in memory between rounds; a replica that dies loses nothing.
 */
export class Scheduler {
  constructor(
    private readonly store: MissionStore,
    private readonly clock: Clock,
    private readonly waylines: WaylineUrlProvider,
    private readonly settings: SchedulerSettings,
    private readonly newId: () => string,
    private readonly logger: Logger,
  ) {}

  async runRound(): Promise<RoundResult> {
    const result: RoundResult = { docks: 0, actions: 0, commands: 0 };
    const seen: string[] = [];
    // A few dock transactions at once: a dispatch is mostly waiting on the database, and row
    // locks (SKIP LOCKED) keep the workers, like the replicas, off each other's docks.
    const workers = Math.max(1, this.settings.concurrency ?? 1);
    const outcomes = await Promise.allSettled(
      Array.from({ length: workers }, () => this.planDocks(result, seen)),
    );
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
    return result;
  }

  /** One worker of a round: plans one dock per transaction until none is due or the budget is spent. */
  private async planDocks(result: RoundResult, seen: string[]): Promise<void> {
    while (result.docks < this.settings.docksPerRound) {
      // The attempt counts against the round's budget from the start (shared by the workers).
      result.docks += 1;
      let handled: string | null = null;
      try {
        handled = await this.store.transaction(async (tx) => {
          const now = this.clock.now();
          const silent = silentBefore(now, this.settings.timing);
          const [dock] = await tx.lockDueDocks(now, 1, seen, silent);
          if (!dock) return null;
          const done = await this.planDock(tx, dock);
          result.actions += done.actions;
          result.commands += done.commands;
          return dock;
        });
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        // Someone changed a task of the dock meanwhile: plan it again on what is current. The
        // attempt counts against the round's budget, so a hot dock cannot keep the round going.
        this.logger.debug({ err: error }, 'dock planning lost a race; planning again');
        continue;
      }
      if (handled === null) {
        result.docks -= 1; // nothing was due: not an attempt
        return;
      }
      seen.push(handled);
    }
  }

  private async planDock(
    tx: MissionTx,
    dock: string,
  ): Promise<{ actions: number; commands: number }> {
    const now = this.clock.now();
    const tasks = await tx.openTasksOfDock(dock);
    const actions = planDock(tasks, now, this.settings.timing);
    let commands = 0;
    for (const action of actions) {
      const task = tasks.find((t) => t.flightId === action.flightId);
      if (!task) continue;
      const mutation = await this.decide(tx, task, action, now);
      if (mutation === null || isRefusal(mutation)) continue;
      await tx.saveTask(mutation);
      commands += mutation.commands.length;
      // A silent dock is news for the operator (its task event says so too); the rest is routine.
      const level = action.kind === 'dock_silent' ? 'warn' : 'info';
      this.logger[level](
        {
          flightId: task.flightId,
          dockSn: dock,
          action: action.kind,
          from: task.state,
          to: mutation.task.state,
          cause: mutation.task.lastCause,
        },
        'scheduler acted',
      );
    }
    return { actions: actions.length, commands };
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
  return move(task, { type: 'fail' }, now, timing, `wayline_unavailable: ${why}`);
}
