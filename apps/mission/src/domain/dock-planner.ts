import { DOCK_OCCUPYING_TASK_STATES } from '@dock/contracts';
import { isSilent } from './in-flight-watchdog';
import { isFinalState, Task, TASK_TYPE_CONDITIONAL } from './task';
import type { TaskMutation } from './task-mutation';
import { STARTED_STATES } from './task-state-machine';
import { currentDeadline, executeDueAt, prepareDueAt, TimingSettings } from './task-timing';

/** What the scheduler does now for one dock. */
export type DockAction =
  /** The task missed its window before it started: fail it (conditional: time it out). */
  | { kind: 'expire'; flightId: string }
  /** A prepare / execute got no answer by our own deadline: handle it as a timeout. */
  | { kind: 'reply_overdue'; flightId: string; commandId: string }
  /** A started task heard nothing from its dock for longer than the limit: time it out. */
  | { kind: 'dock_silent'; flightId: string }
  | { kind: 'prepare'; flightId: string }
  | { kind: 'execute'; flightId: string };

/** States in which the dock is occupied by a task: nothing else is sent to it meanwhile. */
const OCCUPYING: ReadonlySet<string> = new Set(DOCK_OCCUPYING_TASK_STATES);

/**
 * After a change made outside the scheduler (a new task, a dock's answer, an operator), when
 * the task's dock needs the scheduler: now when the change left the dock free (the next task
 * may go), else at the task's next action. Null: not on this change's account.
 */
export function dockDueAfter(mutation: TaskMutation): number | null {
  const { task, transition } = mutation;
  const leftFree =
    transition !== null &&
    transition.from !== null &&
    OCCUPYING.has(transition.from) &&
    !OCCUPYING.has(transition.to);
  return leftFree ? task.updatedAt : task.nextActionAt;
}

/** Which step is due for a task that waits for the scheduler, if any. */
function dueStep(task: Task): 'prepare' | 'execute' | null {
  if (task.state === 'scheduled') return 'prepare';
  if (task.state === 'ready') return 'execute';
  if (task.state === 'prepared' && task.spec.taskType !== TASK_TYPE_CONDITIONAL) return 'execute';
  return null;
}

/** Our own deadline for the answer to the task's prepare / execute has passed. */
function replyOverdue(task: Task, now: number): task is Task & { pendingCommandId: string } {
  return (
    (task.state === 'preparing' || task.state === 'executing') &&
    task.cancelCommandId === null &&
    task.pendingCommandId !== null &&
    task.nextActionAt !== null &&
    task.nextActionAt <= now
  );
}

/**
 * The dock's queue, decided as a pure function of its open tasks (in creation order). One dock runs one task at a
 * time: while a task occupies it, due work waits; then the first due task (by due time, then
 * creation) goes. Tasks past their window end first, whether the dock is busy or not; so does
 * a started task whose dock went silent, and the dock's next task may go at once.
 */
export function planDock(
  tasks: readonly Task[],
  now: number,
  settings: TimingSettings,
): DockAction[] {
  const actions: DockAction[] = [];
  const open = tasks.filter((task) => !isFinalState(task.state));
  const ending = new Set<string>(); // tasks this plan ends
  for (const task of open) {
    if (replyOverdue(task, now)) {
      // First: a command we wait on has its own, shorter deadline (retry or end the task).
      actions.push({
        kind: 'reply_overdue',
        flightId: task.flightId,
        commandId: task.pendingCommandId,
      });
      continue;
    }
    if (isSilent(task, now, settings)) {
      // Before the pending-cancel check: an undo cannot end a started task, so a cancel left
      // pending from before the start must not shield it from the watchdog.
      actions.push({ kind: 'dock_silent', flightId: task.flightId });
      ending.add(task.flightId);
      continue;
    }
    if (task.cancelCommandId !== null) continue; // the dock's answer to the undo decides
    const deadline = currentDeadline(task, settings);
    if (dueStep(task) !== null || task.state === 'prepared') {
      if (deadline !== null && now > deadline) {
        actions.push({ kind: 'expire', flightId: task.flightId });
        ending.add(task.flightId);
      }
    }
  }
  // A task that ends in this plan no longer holds the dock.
  const busy = open.some((task) => OCCUPYING.has(task.state) && !ending.has(task.flightId));
  if (busy) return actions;
  // The queue: waiting tasks in order of their due time. A task being retried (a busy dock,
  // no answer) keeps the place of its step's first due time, and the tasks behind it wait for
  // its retry rather than overtake it.
  const waiting = open
    .filter(
      (task) =>
        !ending.has(task.flightId) &&
        task.cancelCommandId === null &&
        dueStep(task) !== null &&
        task.nextActionAt !== null,
    )
    // A stable sort: tasks due and created in the same millisecond keep the order they were
    // given in (the store gives creation order).
    .sort(
      (a, b) =>
        queueKey(a, now, settings) - queueKey(b, now, settings) || a.createdAt - b.createdAt,
    );
  for (const task of waiting) {
    if ((task.nextActionAt ?? Infinity) <= now) {
      const step = dueStep(task);
      if (step) actions.push({ kind: step, flightId: task.flightId });
      break;
    }
    if (task.attempts > 0 && queueKey(task, now, settings) <= now) break;
  }
  return actions;
}

/**
 * A waiting task's place in its dock's queue: when its step fell due. For a first attempt that
 * is its next action time; a retried step keeps the time of its first attempt.
 */
function queueKey(task: Task, now: number, settings: TimingSettings): number {
  const at = task.nextActionAt ?? now;
  if (task.attempts === 0) return at;
  const first = task.state === 'scheduled' ? prepareDueAt(task, settings) : executeDueAt(task, now);
  return Math.min(first, at);
}

/**
 * When the dock's open tasks (as they are after this plan) next need the scheduler, if ever
 * without a word from the dock or an operator: a command's reply deadline, a silent started
 * task, a waiting task's due time (its window's end while the dock is busy). Null: only an
 * event (a reply, a progress report, a new task) can give the dock work.
 */
export function dockNextLookAt(
  tasks: readonly Task[],
  now: number,
  settings: TimingSettings,
): number | null {
  const open = tasks.filter((task) => !isFinalState(task.state));
  const busy = open.some((task) => OCCUPYING.has(task.state));
  let next: number | null = null;
  const consider = (at: number | null) => {
    if (at !== null && (next === null || at < next)) next = at;
  };
  for (const task of open) {
    if (STARTED_STATES.includes(task.state) && settings.inFlightSilenceMs !== null) {
      consider(task.updatedAt + settings.inFlightSilenceMs + 1);
    }
    if (task.cancelCommandId !== null) continue;
    if (task.state === 'preparing' || task.state === 'executing') {
      if (task.pendingCommandId !== null) consider(task.nextActionAt);
      continue;
    }
    if (dueStep(task) !== null || task.state === 'prepared') {
      const deadline = currentDeadline(task, settings);
      const expiresAt = deadline === null ? null : deadline + 1;
      // On a free dock, a waiting task already due was held back by a retry ahead of it in
      // the queue: that retry's time is the dock's, not the held task's.
      const waitsFor =
        task.nextActionAt !== null && task.nextActionAt > now ? task.nextActionAt : null;
      consider(busy ? expiresAt : waitsFor);
      consider(expiresAt);
    }
  }
  return next;
}
