import type { Logger } from 'pino';
import { CommandReplyRecord } from '@dock/contracts';
import { describeResultCode } from '@dock/protocol';
import type { Clock } from '../domain/clock';
import { checkTiming, newTask } from '../domain/new-task';
import { dockDueAfter } from '../domain/dock-planner';
import { validateSpec } from '../domain/prepare-data';
import { isFinalState, Task, TaskSpec, TASK_TYPE_IMMEDIATE } from '../domain/task';
import {
  CommandAnswer,
  onProgress,
  onReady,
  onStepAnswer,
  onTaskCommandAnswer,
  ProgressReport,
  requestCancel,
  requestPauseOrResume,
} from '../domain/task-lifecycle';
import { CommandDraft, isRefusal, TaskMutation } from '../domain/task-mutation';
import type { TimingSettings } from '../domain/task-timing';
import { withConflictRetry } from './conflict-retry';
import { ConflictError, DependencyError, InvalidInputError, NotFoundError } from './errors';
import { requireOwnDock } from './dock-scope';
import {
  CommandCompletion,
  DockOrganizations,
  MissionStore,
  StoredCommand,
  VersionConflictError,
  WaylineUnavailableError,
  WaylineUrlProvider,
} from './ports';
import { specFieldName } from './spec-fields';

export interface CreateTaskInput {
  organizationId: string;
  name: string;
  creator: string;
  gatewaySn: string;
  waylineId: string;
  spec: TaskSpec;
}

export interface CancelOutcome {
  /** Canceled at once: the dock had never been sent them. */
  canceled: string[];
  /** Canceled when the dock accepts the undo command. */
  pending: string[];
  command: StoredCommand | null;
}

/** A dock's due time after a change (see dockDueAfter). */
export interface DockDue {
  gatewaySn: string;
  dueAt: number;
}

/**
 * What the service tells its loops: there is work for the scheduler (for this dock at this time:
 * at once when due now, or the scheduler's timer comes forward), or records to send.
 */
export interface Wakeups {
  schedule(due?: DockDue): void;
  relay(): void;
}

/** What MissionService works with. */
export interface MissionServiceParts {
  store: MissionStore;
  clock: Clock;
  /** The file service: a signed URL and fingerprint of a task's wayline. */
  waylines: WaylineUrlProvider;
  timing: TimingSettings;
  newId: () => string;
  wakeups: Wakeups;
  logger: Logger;
  docks: DockOrganizations;
}

/**
 * The use cases of the mission service: operators' requests and the dock's answers. Every
 * change is read-decide-write with optimistic concurrency; nothing waits for a dock.
 */
export class MissionService {
  private readonly store: MissionStore;
  private readonly clock: Clock;
  private readonly waylines: WaylineUrlProvider;
  private readonly timing: TimingSettings;
  private readonly newId: () => string;
  private readonly wakeups: Wakeups;
  private readonly logger: Logger;
  private readonly docks: DockOrganizations;

  constructor(parts: MissionServiceParts) {
    ({
      store: this.store,
      clock: this.clock,
      waylines: this.waylines,
      timing: this.timing,
      newId: this.newId,
      wakeups: this.wakeups,
      logger: this.logger,
      docks: this.docks,
    } = parts);
  }

  async createTask(input: CreateTaskInput, resumedFrom: string | null = null): Promise<Task> {
    await requireOwnDock(this.docks, input.gatewaySn, input.organizationId);
    const now = this.clock.now();
    const problem = checkTiming(input.spec, now, this.timing);
    if (problem) throw new InvalidInputError(problem.field, problem.message);
    const flightId = this.newId();
    const checked = validateSpec({ flightId, spec: input.spec });
    if (!checked.ok) {
      throw new InvalidInputError(specFieldName(checked.error.path), checked.error.rule);
    }
    const file = await this.bindWayline(
      flightId,
      input.waylineId,
      input.gatewaySn,
      input.organizationId,
    );
    const mutation = newTask({ ...input, flightId, resumedFrom }, now, this.timing);
    mutation.task.file = file;
    await this.store.transaction((tx) => tx.insertTask(mutation));
    this.logger.info(
      { flightId, dockSn: input.gatewaySn, taskType: input.spec.taskType },
      'task created',
    );
    // An immediate task's prepare goes out straight after this commit, not a round later.
    this.scheduleFor(mutation);
    this.wakeups.relay();
    return mutation.task;
  }

  /** A new immediate task that starts where an interrupted one stopped. */
  async resumeFromBreakpoint(
    flightId: string,
    creator: string,
    organizationId: string,
  ): Promise<Task> {
    const original = await this.store.findTask(flightId, organizationId);
    if (!original) throw new NotFoundError(`no task ${flightId}`);
    if (!isFinalState(original.state) || original.state === 'ok') {
      throw new ConflictError(
        `only an interrupted task can be resumed; task ${flightId} is ${original.state}`,
      );
    }
    const point = original.progress?.breakPoint;
    if (
      !point ||
      point.index === undefined ||
      point.state === undefined ||
      point.progress === undefined ||
      point.wayline_id === undefined
    ) {
      throw new ConflictError(`task ${flightId} reported no break point to resume from`);
    }
    return this.createTask(
      {
        organizationId: original.organizationId,
        name: `${original.name} (resumed)`,
        creator,
        gatewaySn: original.gatewaySn,
        waylineId: original.waylineId,
        spec: {
          ...original.spec,
          taskType: TASK_TYPE_IMMEDIATE,
          executeTime: null,
          readyConditions: null,
          breakPoint: {
            index: point.index,
            state: point.state,
            progress: point.progress,
            wayline_id: point.wayline_id,
          },
        },
      },
      original.flightId,
    );
  }

  private async bindWayline(
    flightId: string,
    waylineId: string,
    gatewaySn: string,
    organizationId: string,
  ) {
    try {
      return await this.waylines.bind({ flightId, waylineId, gatewaySn, organizationId });
    } catch (error) {
      if (error instanceof WaylineUnavailableError) {
        throw new InvalidInputError('waylineId', error.message);
      }
      throw new DependencyError(
        `the file service did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** flighttask_undo for several tasks of one dock: all of them can be canceled, or none is. */
  cancelTasks(
    gatewaySn: string,
    flightIds: string[],
    organizationId: string,
  ): Promise<CancelOutcome> {
    return withConflictRetry(async () => {
      const now = this.clock.now();
      const undoId = this.newId();
      const outcome = await this.store.transaction(async (tx) => {
        const tasks = await tx.getTasks(flightIds);
        const byId = new Map(tasks.map((task) => [task.flightId, task]));
        const mutations: TaskMutation[] = [];
        const result: CancelOutcome = { canceled: [], pending: [], command: null };
        for (const flightId of flightIds) {
          const task = byId.get(flightId);
          if (!task || task.gatewaySn !== gatewaySn || task.organizationId !== organizationId) {
            throw new NotFoundError(`no task ${flightId} on dock ${gatewaySn}`);
          }
          const decision = requestCancel(task, undoId, now, this.timing);
          if (isRefusal(decision)) throw new ConflictError(`task ${flightId}: ${decision.reason}`);
          mutations.push(decision.mutation);
          (decision.needsUndo ? result.pending : result.canceled).push(flightId);
        }
        const remote = mutations.find((m) => m.task.cancelCommandId === undoId);
        if (remote) {
          remote.commands.push({
            id: undoId,
            gatewaySn,
            method: 'flighttask_undo',
            flightIds: result.pending,
            bid: undoId,
            data: { flight_ids: result.pending },
            attempt: 1,
          });
        }
        for (const mutation of mutations) await tx.saveTask(mutation);
        return result;
      });
      if (outcome.pending.length > 0) {
        outcome.command = await this.store.findCommand(undoId, organizationId);
        this.wakeups.relay();
      }
      if (outcome.canceled.length > 0) this.wakeups.relay();
      return outcome;
    }, 3).catch(rethrowConflict);
  }

  /** flighttask_pause / flighttask_recovery for a running task. */
  pauseOrResume(
    flightId: string,
    verb: 'pause' | 'resume',
    organizationId: string,
  ): Promise<StoredCommand> {
    return withConflictRetry(async () => {
      const now = this.clock.now();
      const commandId = this.newId();
      await this.store.transaction(async (tx) => {
        const task = await tx.getTask(flightId);
        if (!task || task.organizationId !== organizationId) {
          throw new NotFoundError(`no task ${flightId}`);
        }
        const decision = requestPauseOrResume(task, verb, commandId, now, this.timing);
        if (isRefusal(decision)) throw new ConflictError(`task ${flightId}: ${decision.reason}`);
        await tx.saveTask(decision);
      });
      this.wakeups.relay();
      return this.commandOrFail(commandId, organizationId);
    }, 3).catch(rethrowConflict);
  }

  /** return_home / return_home_cancel: commands for a dock, whatever task it runs. */
  async dockCommand(
    gatewaySn: string,
    method: 'return_home' | 'return_home_cancel',
    organizationId: string,
  ): Promise<StoredCommand> {
    await requireOwnDock(this.docks, gatewaySn, organizationId);
    const now = this.clock.now();
    const command: CommandDraft = {
      id: this.newId(),
      gatewaySn,
      method,
      flightIds: [],
      bid: this.newId(),
      data: {},
      attempt: 1,
    };
    await this.store.transaction((tx) => tx.insertCommand(command, now, organizationId));
    this.wakeups.relay();
    return this.commandOrFail(command.id, organizationId);
  }

  async findCommand(id: string, organizationId: string): Promise<StoredCommand> {
    return this.commandOrFail(id, organizationId);
  }

  private async commandOrFail(id: string, organizationId: string): Promise<StoredCommand> {
    const command = await this.store.findCommand(id, organizationId);
    if (!command) throw new NotFoundError(`no command ${id}`);
    return command;
  }

  /** The gateway's outcome of one of our commands (dock.command-replies). */
  handleReply(reply: CommandReplyRecord): Promise<void> {
    return this.handleReplies([reply]);
  }

  /**
   * The outcomes of many commands, in one transaction: the commands marked answered in one
   * statement, their tasks read in one, each answer decided by the domain in reply order on the
   * task as the batch left it, the changes written together (a task changed twice in a batch,
   * rare, is written in a second wave, on the version the first wrote).
   */
  async handleReplies(replies: readonly CommandReplyRecord[]): Promise<void> {
    if (replies.length === 0) return;
    const saved = await withConflictRetry(() => this.answerBatch(replies));
    if (saved.length > 0) {
      // A prepare accepted: the execute goes out at once when due (immediate), else on time.
      for (const mutation of saved) this.scheduleFor(mutation);
      this.wakeups.relay();
    }
  }

  private answerBatch(replies: readonly CommandReplyRecord[]): Promise<TaskMutation[]> {
    return this.store.transaction(async (tx) => {
      const now = this.clock.now();
      // One completion per command id (a redelivered reply in the same batch is a duplicate).
      const unique = new Map<string, CommandReplyRecord>();
      for (const reply of replies) {
        if (!unique.has(reply.correlationId)) unique.set(reply.correlationId, reply);
      }
      const commands = new Map(
        (
          await tx.completeCommands(
            [...unique.values()].map((reply) => ({
              id: reply.correlationId,
              completion: completionOf(reply, now),
            })),
          )
        ).map((command) => [command.id, command]),
      );
      const current = new Map(
        (await tx.getTasks([...commands.values()].flatMap((c) => c.flightIds))).map((task) => [
          task.flightId,
          task,
        ]),
      );
      const waves: TaskMutation[][] = [];
      const writes = new Map<string, number>();
      for (const reply of unique.values()) {
        const command = commands.get(reply.correlationId);
        if (!command) continue; // not ours, or a duplicate of an answer already applied
        const answer: CommandAnswer = {
          outcome: reply.outcome,
          result: reply.result,
          error: reply.error,
        };
        for (const flightId of command.flightIds) {
          const task = current.get(flightId);
          if (!task) continue;
          const mutation = this.answerFor(task, command, answer, now);
          if (mutation === null) continue;
          if (isRefusal(mutation)) {
            this.logger.debug({ flightId, reason: mutation.reason }, 'answer ignored');
            continue;
          }
          const wave = writes.get(flightId) ?? 0;
          writes.set(flightId, wave + 1);
          (waves[wave] ??= []).push(mutation);
          current.set(flightId, { ...mutation.task, version: mutation.task.version + 1 });
        }
        this.logger.info(
          {
            flightIds: command.flightIds,
            dockSn: command.gatewaySn,
            method: command.method,
            outcome: reply.outcome,
            result: reply.result,
          },
          'command answered',
        );
      }
      for (const wave of waves) await tx.saveChanges(wave);
      return waves.flat();
    });
  }

  /** Tells the scheduler when the task's dock needs it after a change of ours. */
  private scheduleFor(mutation: TaskMutation): void {
    const dueAt = dockDueAfter(mutation);
    if (dueAt === null) this.wakeups.schedule();
    else this.wakeups.schedule({ gatewaySn: mutation.task.gatewaySn, dueAt });
  }

  private answerFor(task: Task, command: StoredCommand, answer: CommandAnswer, now: number) {
    switch (command.method) {
      case 'flighttask_prepare':
        return onStepAnswer(task, command.id, 'prepare', answer, now, this.timing);
      case 'flighttask_execute':
        return onStepAnswer(task, command.id, 'execute', answer, now, this.timing);
      case 'flighttask_undo':
      case 'flighttask_pause':
      case 'flighttask_recovery':
        return onTaskCommandAnswer(task, command.id, command.method, answer, now, this.timing);
      default:
        return null;
    }
  }

  /** flighttask_progress from a dock; reports for unknown tasks or other docks are ignored. */
  handleProgress(gatewaySn: string, flightId: string, report: ProgressReport): Promise<void> {
    return this.handleProgressReports([{ gatewaySn, flightId, report }]);
  }

  /**
   * Many progress reports in one transaction: their tasks read in one statement, each report
   * applied by the domain in arrival order on the task as the batch left it, the changes
   * written together (a task changed twice in a batch is written in a second wave).
   */
  async handleProgressReports(
    reports: readonly { gatewaySn: string; flightId: string; report: ProgressReport }[],
  ): Promise<void> {
    if (reports.length === 0) return;
    const saved = await withConflictRetry(() =>
      this.store.transaction(async (tx) => {
        const now = this.clock.now();
        const current = new Map(
          (await tx.getTasks([...new Set(reports.map((r) => r.flightId))])).map((task) => [
            task.flightId,
            task,
          ]),
        );
        const waves: TaskMutation[][] = [];
        const writes = new Map<string, number>();
        for (const { gatewaySn, flightId, report } of reports) {
          const task = current.get(flightId);
          if (!task || task.gatewaySn !== gatewaySn) continue;
          const mutation = onProgress(task, report, now, this.timing);
          if (!mutation) continue;
          const wave = writes.get(flightId) ?? 0;
          writes.set(flightId, wave + 1);
          (waves[wave] ??= []).push(mutation);
          current.set(flightId, { ...mutation.task, version: mutation.task.version + 1 });
        }
        for (const wave of waves) await tx.saveChanges(wave);
        return waves.flat();
      }),
    );
    const published = saved.filter((mutation) => mutation.publish);
    if (published.length > 0) {
      // The dock may be free now: its queue can move on at once.
      for (const mutation of published) this.scheduleFor(mutation);
      this.wakeups.relay();
    }
  }

  /** flighttask_ready: the named conditional tasks may execute. */
  async handleReady(gatewaySn: string, flightIds: readonly string[]): Promise<void> {
    for (const flightId of flightIds) {
      await withConflictRetry(() =>
        this.store.transaction(async (tx) => {
          const task = await tx.getTask(flightId);
          if (!task || task.gatewaySn !== gatewaySn) return;
          const mutation = onReady(task, this.clock.now(), this.timing);
          if (mutation) await tx.saveTask(mutation);
        }),
      );
    }
    this.wakeups.schedule();
    this.wakeups.relay();
  }
}

function completionOf(reply: CommandReplyRecord, at: number): CommandCompletion {
  if (reply.outcome === 'replied') {
    const code = reply.result ?? 0;
    return {
      state: code === 0 ? 'accepted' : 'refused',
      resultCode: code,
      resultMeaning: describeResultCode(code).meaning,
      error: null,
      at,
    };
  }
  return {
    state: reply.outcome,
    resultCode: null,
    resultMeaning: null,
    error: reply.error ?? null,
    at,
  };
}

function rethrowConflict(error: unknown): never {
  if (error instanceof VersionConflictError) {
    throw new ConflictError('the task changed concurrently; try again');
  }
  throw error;
}
