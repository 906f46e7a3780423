import { DOCK_OCCUPYING_TASK_STATES } from '@dock/contracts';
import { isSilent } from './in-flight-watchdog';
import { isFinalState, Task, TASK_TYPE_CONDITIONAL } from './task';
import { currentDeadline, TimingSettings } from './task-timing';

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
  const due = open
    .filter(
      (task) =>
        !ending.has(task.flightId) &&
        task.cancelCommandId === null &&
        dueStep(task) !== null &&
        task.nextActionAt !== null &&
        task.nextActionAt <= now,
    )
    // A stable sort: tasks due and created in the same millisecond keep the order they were
    // given in (the store gives creation order).
    .sort((a, b) => (a.nextActionAt ?? 0) - (b.nextActionAt ?? 0) || a.createdAt - b.createdAt);
  const first = due[0];
  if (first) {
    const step = dueStep(first);
    if (step) actions.push({ kind: step, flightId: first.flightId });
  }
  return actions;
}
