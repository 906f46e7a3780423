import { describeResultCode, isFinalTaskStatus } from '@dock/protocol';
import type { FlighttaskProgressData } from '@dock/protocol';
import { buildPrepareData } from './prepare-data';
import { decideRetry } from './retry-policy';
import { Task, TaskProgress, TASK_TYPE_IMMEDIATE, WaylineFileRef } from './task';
import { CommandDraft, Refusal, TaskMutation } from './task-mutation';
import { TaskEvent, transition } from './task-state-machine';
import { currentDeadline, missedWindowEvent, nextActionAt, TimingSettings } from './task-timing';

/** What a move needs besides the task and the event: when, under which timing, and why. */
export interface Move {
  now: number;
  settings: TimingSettings;
  /** Why the task moves (its lastCause and the transition's cause). */
  cause: string;
  /** Fields to change on the task along with its state. */
  patch?: Partial<Task>;
  /** Overrides the next action time the new state would get. */
  nextActionAt?: number | null;
  result?: { code: number | null; meaning: string | null };
  publish?: boolean;
  commands?: CommandDraft[];
}

/** Applies a state machine event and builds the mutation (or the refusal). */
export function move(task: Task, event: TaskEvent, options: Move): TaskMutation | Refusal {
  const { now, settings, cause, patch = {} } = options;
  const result = transition(task.state, event, task.spec.taskType);
  if (!result.ok) return { refused: true, reason: result.reason, final: result.final };
  const changed = result.to !== task.state;
  const next: Task = { ...task, ...patch, state: result.to, updatedAt: now };
  if (changed || options.result) next.lastCause = cause;
  if (options.result) {
    next.resultCode = options.result.code;
    next.resultMeaning = options.result.meaning;
  } else if (changed) {
    // A result code belongs to the answer that carried it: a new state without one has none
    // (a refused pause's code must not stay on the task's later states and its result).
    next.resultCode = null;
    next.resultMeaning = null;
  }
  if (options.nextActionAt !== undefined) next.nextActionAt = options.nextActionAt;
  else if (changed) next.nextActionAt = nextActionAt(next, now, settings);
  return {
    task: next,
    transition: changed
      ? {
          from: task.state,
          to: result.to,
          cause,
          resultCode: options.result?.code ?? null,
          resultMeaning: options.result?.meaning ?? null,
          at: now,
        }
      : null,
    publish: options.publish ?? changed,
    commands: options.commands ?? [],
  };
}

export function resultOf(code: number): { code: number; meaning: string } {
  return { code, meaning: describeResultCode(code).meaning };
}

/** The scheduler sends flighttask_prepare (with a fresh URL of the wayline). */
export function dispatchPrepare(
  task: Task,
  file: WaylineFileRef,
  commandId: string,
  now: number,
  settings: TimingSettings,
): TaskMutation | Refusal {
  // The dock refuses an immediate task whose execute_time is more than ~30 s off its clock.
  const spec =
    task.spec.taskType === TASK_TYPE_IMMEDIATE ? { ...task.spec, executeTime: now } : task.spec;
  const data = buildPrepareData(task.flightId, spec, file);
  if (!data.ok) {
    return move(
      task,
      { type: 'fail' },
      { now, settings, cause: `invalid_prepare: ${data.error.message}` },
    );
  }
  const attempt = task.attempts + 1;
  return move(
    task,
    { type: 'prepare_sent' },
    {
      now,
      settings,
      cause: attempt > 1 ? 'prepare_retry_sent' : 'prepare_sent',
      patch: { spec, file, attempts: attempt, pendingCommandId: commandId },
      commands: [
        {
          id: commandId,
          gatewaySn: task.gatewaySn,
          method: 'flighttask_prepare',
          flightIds: [task.flightId],
          bid: task.flightId,
          data: data.value,
          attempt,
        },
      ],
    },
  );
}

/** The scheduler sends flighttask_execute. */
export function dispatchExecute(
  task: Task,
  commandId: string,
  now: number,
  settings: TimingSettings,
): TaskMutation | Refusal {
  const attempt = task.attempts + 1;
  return move(
    task,
    { type: 'execute_sent' },
    {
      now,
      settings,
      cause: attempt > 1 ? 'execute_retry_sent' : 'execute_sent',
      patch: { attempts: attempt, pendingCommandId: commandId },
      commands: [
        {
          id: commandId,
          gatewaySn: task.gatewaySn,
          method: 'flighttask_execute',
          flightIds: [task.flightId],
          bid: task.flightId,
          data: { flight_id: task.flightId },
          attempt,
        },
      ],
    },
  );
}

/** How the gateway answered a command (see CommandReplyRecord). */
export interface CommandAnswer {
  outcome: 'replied' | 'timeout' | 'invalid';
  result: number | null;
  error?: string;
}

/**
 * The answer to a task's prepare or execute. Accepted moves on; a retryable refusal or no
 * answer is retried with backoff inside the window; anything else ends the task. Answers to
 * an attempt that is no longer pending (duplicates, replies after our own deadline) change
 * nothing.
 */
export function onStepAnswer(
  task: Task,
  commandId: string,
  step: 'prepare' | 'execute',
  answer: CommandAnswer,
  now: number,
  settings: TimingSettings,
): TaskMutation | Refusal | null {
  if (task.pendingCommandId !== commandId) return null;
  const cleared = { pendingCommandId: null };
  if (answer.outcome === 'replied' && answer.result === 0) {
    return move(
      task,
      { type: step === 'prepare' ? 'prepare_accepted' : 'execute_accepted' },
      {
        now,
        settings,
        cause: `${step}_accepted`,
        patch: { ...cleared, attempts: 0 },
        result: { code: 0, meaning: describeResultCode(0).meaning },
      },
    );
  }
  if (answer.outcome === 'invalid') {
    return move(
      task,
      { type: 'fail' },
      {
        now,
        settings,
        cause: `${step}_invalid: ${answer.error ?? ''}`,
        patch: cleared,
      },
    );
  }
  const code = answer.outcome === 'replied' ? answer.result : null;
  const result = code === null ? { code: null, meaning: null } : resultOf(code);
  const retryable = code === null || describeResultCode(code).retryable;
  const what = code === null ? `${step}_timeout` : `${step}_refused`;
  if (!retryable) {
    return move(task, { type: 'refused' }, { now, settings, cause: what, patch: cleared, result });
  }
  const deadline = currentDeadline(task, settings) ?? now;
  const decision = decideRetry(task.attempts, now, deadline, settings.retry);
  if (!decision.retry) {
    const event: TaskEvent =
      decision.reason === 'window_passed' ? { type: missedWindowEvent(task) } : { type: 'fail' };
    return move(task, event, {
      now,
      settings,
      cause: `${what}: ${decision.reason}`,
      patch: cleared,
      result,
    });
  }
  return move(
    task,
    { type: step === 'prepare' ? 'prepare_retry' : 'execute_retry' },
    {
      now,
      settings,
      cause: `${what}: retry`,
      patch: cleared,
      result,
      nextActionAt: decision.at,
      publish: true,
    },
  );
}

/** A command for a whole task that the dock answered: undo, pause, recovery. */
export function onTaskCommandAnswer(
  task: Task,
  commandId: string,
  method: 'flighttask_undo' | 'flighttask_pause' | 'flighttask_recovery',
  answer: CommandAnswer,
  now: number,
  settings: TimingSettings,
): TaskMutation | Refusal | null {
  const accepted = answer.outcome === 'replied' && answer.result === 0;
  const code = answer.outcome === 'replied' ? answer.result : null;
  const result = code === null ? { code: null, meaning: null } : resultOf(code);
  const outcome =
    answer.outcome === 'replied' ? (accepted ? 'accepted' : 'refused') : answer.outcome;
  if (method === 'flighttask_undo') {
    if (task.cancelCommandId !== commandId) return null;
    const patch = { cancelCommandId: null };
    if (accepted) {
      return move(
        task,
        { type: 'canceled' },
        {
          now,
          settings,
          cause: 'canceled_by_operator',
          patch: {
            ...patch,
            pendingCommandId: null,
          },
        },
      );
    }
    return move(
      task,
      { type: 'cancel_requested' },
      {
        now,
        settings,
        cause: `cancel_${outcome}`,
        patch: patch,
        result,
        publish: true,
      },
    );
  }
  const verb = method === 'flighttask_pause' ? 'pause' : 'resume';
  if (accepted) {
    return move(
      task,
      { type: method === 'flighttask_pause' ? 'pause_accepted' : 'resume_accepted' },
      { now, settings, cause: `${verb}_accepted` },
    );
  }
  // Refused or unanswered: the task stays as it is; the code is kept and announced.
  const guard: TaskEvent = { type: verb === 'pause' ? 'pause_requested' : 'resume_requested' };
  const kept = move(task, guard, {
    now,
    settings,
    cause: `${verb}_${outcome}`,
    patch: {},
    result,
    publish: true,
  });
  // The dock moved on meanwhile (a progress report changed the state): nothing to record.
  if ('refused' in kept) return null;
  // The state stays, but the history shows the refusal with its code (that entry alone
  // carries it).
  return {
    ...kept,
    transition: {
      from: task.state,
      to: task.state,
      cause: `${verb}_${outcome}`,
      resultCode: result.code,
      resultMeaning: result.meaning,
      at: now,
    },
  };
}

/** An operator asks to pause / resume a running task: the guard, and the command to send. */
export function requestPauseOrResume(
  task: Task,
  verb: 'pause' | 'resume',
  commandId: string,
  now: number,
  settings: TimingSettings,
): TaskMutation | Refusal {
  const method = verb === 'pause' ? 'flighttask_pause' : 'flighttask_recovery';
  return move(
    task,
    { type: verb === 'pause' ? 'pause_requested' : 'resume_requested' },
    {
      now,
      settings,
      cause: `${verb}_requested`,
      patch: {},
      publish: false,
      commands: [
        {
          id: commandId,
          gatewaySn: task.gatewaySn,
          method,
          flightIds: [task.flightId],
          bid: task.flightId,
          data: {},
          attempt: 1,
        },
      ],
    },
  );
}

/** Nothing of the task was sent to the dock yet: it can end here without asking the dock. */
export function neverReachedDock(task: Task): boolean {
  return task.state === 'scheduled' && task.pendingCommandId === null;
}

/**
 * Cancels a task that was never sent to its dock, for `cause` (the system's reason, e.g. its
 * plan was suspended); null for a task the dock already has (or a final one): those are left
 * to finish, since taking them back would be a command to the dock.
 */
export function withdrawBeforeDispatch(
  task: Task,
  now: number,
  settings: TimingSettings,
  cause: string,
): TaskMutation | null {
  if (!neverReachedDock(task) || task.cancelCommandId !== null) return null;
  const canceled = move(task, { type: 'canceled' }, { now, settings, cause });
  return 'refused' in canceled ? null : canceled;
}

/**
 * An operator cancels a task that has not started. One the dock never accepted a prepare for
 * is canceled here and now; the others wait for the dock's answer to flighttask_undo (sent by
 * the caller, one command for all the tasks of a dock).
 */
export function requestCancel(
  task: Task,
  undoCommandId: string,
  now: number,
  settings: TimingSettings,
): { mutation: TaskMutation; needsUndo: boolean } | Refusal {
  if (task.cancelCommandId !== null) {
    return { refused: true, reason: 'a cancel of this task is already pending', final: false };
  }
  if (neverReachedDock(task)) {
    const local = move(
      task,
      { type: 'canceled' },
      { now, settings, cause: 'canceled_by_operator' },
    );
    return 'refused' in local ? local : { mutation: local, needsUndo: false };
  }
  const remote = move(
    task,
    { type: 'cancel_requested' },
    {
      now,
      settings,
      cause: 'cancel_requested',
      patch: { cancelCommandId: undoCommandId },
      publish: false,
    },
  );
  return 'refused' in remote ? remote : { mutation: remote, needsUndo: true };
}

/** flighttask_ready named the task: it executes once inside [begin_time, end_time]. */
export function onReady(task: Task, now: number, settings: TimingSettings): TaskMutation | null {
  if (task.state === 'ready') return null; // a repeated notice
  const moved = move(
    task,
    { type: 'ready_reported' },
    {
      now,
      settings,
      cause: 'ready_reported',
      patch: {
        readyAt: now,
      },
    },
  );
  return 'refused' in moved ? null : moved;
}

/** A flighttask_progress report, with the dock's timestamp (or our receive time). */
export interface ProgressReport {
  data: FlighttaskProgressData;
  reportedAt: number;
}

/**
 * Applies a progress report. Reports older than (or as old as) the last one applied are
 * duplicates or overtaken and change nothing; a final status always ends an open task, since
 * the dock sends it once. A final task ignores everything.
 */
export function onProgress(
  task: Task,
  report: ProgressReport,
  now: number,
  settings: TimingSettings,
): TaskMutation | null {
  const { output, result } = report.data;
  const final = isFinalTaskStatus(output.status);
  const last = task.progress;
  if (!final && last && report.reportedAt <= last.reportedAt) return null;
  const ext = output.ext;
  const progress: TaskProgress = {
    status: output.status,
    currentStep: output.progress?.current_step ?? last?.currentStep ?? null,
    percent: output.progress?.percent ?? last?.percent ?? null,
    waypointIndex: ext?.current_waypoint_index ?? last?.waypointIndex ?? null,
    mediaCount: ext?.media_count ?? last?.mediaCount ?? null,
    waylineMissionState: ext?.wayline_mission_state ?? last?.waylineMissionState ?? null,
    breakPoint: ext?.break_point ?? last?.breakPoint ?? null,
    reportedAt: Math.max(report.reportedAt, last?.reportedAt ?? 0),
  };
  const moved = move(
    task,
    { type: 'progress', status: output.status },
    {
      now,
      settings,
      cause: `progress_${output.status}`,
      patch: { progress },
      ...(final || result !== 0 ? { result: resultOf(result) } : {}),
    },
  );
  if ('refused' in moved) return null;
  // The dock runs (or ended) the task: an answer to the command in flight no longer matters.
  if (moved.task.state !== 'preparing' && moved.task.state !== 'executing') {
    moved.task.pendingCommandId = null;
  }
  return moved;
}

/** The scheduler found a task past its window (it is not started). */
export function expire(task: Task, now: number, settings: TimingSettings): TaskMutation | Refusal {
  const event = missedWindowEvent(task);
  return move(
    task,
    { type: event },
    {
      now,
      settings,
      cause: event === 'expire' ? 'ready_window_expired' : 'window_passed',
    },
  );
}

/**
 * The prepare could not be sent because the wayline URL could not be had (file service down):
 * try again later inside the window, like a retryable refusal.
 */
export function postponePrepare(
  task: Task,
  now: number,
  settings: TimingSettings,
  reason: string,
): TaskMutation | Refusal {
  const attempts = task.attempts + 1;
  const decision = decideRetry(
    attempts,
    now,
    currentDeadline(task, settings) ?? now,
    settings.retry,
  );
  if (!decision.retry) {
    return move(task, { type: 'fail' }, { now, settings, cause: `${reason}: ${decision.reason}` });
  }
  // Nothing was sent: the task stays scheduled and is looked at again later.
  return {
    task: { ...task, attempts, nextActionAt: decision.at, lastCause: reason, updatedAt: now },
    transition: null,
    publish: false,
    commands: [],
  };
}
