import type { Task } from './task';
import { move } from './task-lifecycle';
import type { Refusal, TaskMutation } from './task-mutation';
import { STARTED_STATES } from './task-state-machine';
import type { TimingSettings } from './task-timing';

/*
 * The watchdog for started tasks whose dock went silent (lost power or link, or its final
 * report was lost). Only the dock moves a started task on, so without this such a task would
 * hold its dock's queue for good and nobody would hear of it.
 *
 * "Last heard" is the task's updatedAt, written with our clock (a dock's own clock may be off).
 * Every write that leaves a task started comes from the dock (a newer progress report, an
 * answer to a command) or from an operator's pause / resume request and its outcome; no loop of
 * ours keeps a task started. So updatedAt is never earlier than the dock's last word: the
 * watchdog may fire late (an operator's request restarts the count), never early.
 */

/** Started tasks last heard before this are silent; null when the watchdog is off. */
export function silentBefore(now: number, settings: TimingSettings): number | null {
  return settings.inFlightSilenceMs === null ? null : now - settings.inFlightSilenceMs;
}

/** The task has started and heard nothing from its dock for longer than the limit. */
export function isSilent(task: Task, now: number, settings: TimingSettings): boolean {
  const cutoff = silentBefore(now, settings);
  return cutoff !== null && STARTED_STATES.includes(task.state) && task.updatedAt < cutoff;
}

function minutes(ms: number): string {
  return `${Math.floor(ms / 60_000)} min`;
}

/**
 * The history entry of the timeout, for the operator: how long the dock has been silent, in
 * which state, since when, and what to look at. Starts with a code, like the other causes.
 */
export function silenceCause(task: Task, now: number, settings: TimingSettings): string {
  const limit = settings.inFlightSilenceMs ?? 0;
  return (
    `dock_silent: no word from dock ${task.gatewaySn} for ${minutes(now - task.updatedAt)} ` +
    `while ${task.state.replace(/_/g, ' ')} (last heard ${new Date(task.updatedAt).toISOString()}, ` +
    `limit ${minutes(limit)}); check the dock's power and link and where the aircraft is`
  );
}

/** Ends a silent started task in `timeout`, so the dock's next task can go. */
export function timeOutSilent(
  task: Task,
  now: number,
  settings: TimingSettings,
): TaskMutation | Refusal {
  const cutoff = silentBefore(now, settings);
  if (cutoff === null) return { refused: true, reason: 'the watchdog is off', final: false };
  if (task.updatedAt >= cutoff) {
    return { refused: true, reason: 'the dock was heard from within the limit', final: false };
  }
  // The state machine refuses a task that has not started or is over. The command in flight
  // (an execute, a pause...) can no longer change the task. No code from the dock ends it, so
  // none is kept: "timeout, 0 success" from the accepted execute would mislead.
  return move(
    task,
    { type: 'dock_silent' },
    {
      now,
      settings,
      cause: silenceCause(task, now, settings),
      patch: { pendingCommandId: null },
      result: { code: null, meaning: null },
    },
  );
}
