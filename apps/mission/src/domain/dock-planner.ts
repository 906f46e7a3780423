import { isFinalState, Task, TASK_TYPE_CONDITIONAL } from './task';
import { currentDeadline, TimingSettings } from './task-timing';

/** What the scheduler does now for one dock. */
export type DockAction =
  /** The task missed its window before it started: fail it (conditional: time it out). */
  | { kind: 'expire'; flightId: string }
  /** A prepare / execute got no answer by our own deadline: handle it as a timeout. */
  | { kind: 'reply_overdue'; flightId: string; commandId: string }
  | { kind: 'prepare'; flightId: string }
  | { kind: 'execute'; flightId: string };

/** States in which the dock is occupied by a task: nothing else is sent to it meanwhile. */
const OCCUPYING: ReadonlySet<string> = new Set(['preparing', 'executing', 'in_progress', 'paused']);

/** Which step is due for a task that waits for the scheduler, if any. */
function dueStep(task: Task): 'prepare' | 'execute' | null {
  if (task.state === 'scheduled') return 'prepare';
  if (task.state === 'ready') return 'execute';
  if (task.state === 'prepared' && task.spec.taskType !== TASK_TYPE_CONDITIONAL) return 'execute';
  return null;
}

/**
 * The dock's queue, decided as a pure function of its open tasks (in creation order). One dock runs one task at a
 * time: while a task occupies it, due work waits; then the first due task (by due time, then
 * creation) goes. Tasks past their window end first, whether the dock is busy or not.
 */
export function planDock(
  tasks: readonly Task[],
  now: number,
  settings: TimingSettings,
): DockAction[] {
  const actions: DockAction[] = [];
  const open = tasks.filter((task) => !isFinalState(task.state));
  const expired = new Set<string>();
  for (const task of open) {
    if (task.cancelCommandId !== null) continue; // the dock's answer to the undo decides
    if (
      (task.state === 'preparing' || task.state === 'executing') &&
      task.pendingCommandId !== null &&
      task.nextActionAt !== null &&
      task.nextActionAt <= now
    ) {
      actions.push({
        kind: 'reply_overdue',
        flightId: task.flightId,
        commandId: task.pendingCommandId,
      });
      continue;
    }
    const deadline = currentDeadline(task, settings);
    if (dueStep(task) !== null || task.state === 'prepared') {
      if (deadline !== null && now > deadline) {
        actions.push({ kind: 'expire', flightId: task.flightId });
        expired.add(task.flightId);
      }
    }
  }
  const busy = open.some((task) => OCCUPYING.has(task.state));
  if (busy) return actions;
  const due = open
    .filter(
      (task) =>
        !expired.has(task.flightId) &&
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
