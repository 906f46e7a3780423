import { taskStates } from '@dock/contracts';
import { isSilent, silenceCause, silentBefore, timeOutSilent } from './in-flight-watchdog';
import { onProgress, onStepAnswer, onTaskCommandAnswer } from './task-lifecycle';
import { isRefusal, TaskMutation } from './task-mutation';
import { aTask, SETTINGS, T0 } from './testing/task-fixture';

const MINUTE = 60_000;
const LIMIT = 120 * MINUTE;
const OFF = { ...SETTINGS, inFlightSilenceMs: null };

function mutation(value: unknown): TaskMutation {
  if (value === null || isRefusal(value as never))
    throw new Error(`expected a mutation: ${JSON.stringify(value)}`);
  return value as TaskMutation;
}

describe('in-flight watchdog: which tasks are silent', () => {
  it('uses the limit of the settings', () => {
    expect(SETTINGS.inFlightSilenceMs).toBe(LIMIT);
    expect(silentBefore(T0 + LIMIT, SETTINGS)).toBe(T0);
    expect(silentBefore(T0 + LIMIT, OFF)).toBeNull();
  });

  it('watches started tasks only: executing, in progress, paused', () => {
    const later = T0 + LIMIT + 1;
    const silent = taskStates.filter((state) => isSilent(aTask({ state }), later, SETTINGS));
    expect(silent).toEqual(['executing', 'in_progress', 'paused']);
  });

  it('counts from the last write, and only past the limit', () => {
    const task = aTask({ state: 'in_progress', updatedAt: T0 });
    expect(isSilent(task, T0 + LIMIT, SETTINGS)).toBe(false);
    expect(isSilent(task, T0 + LIMIT + 1, SETTINGS)).toBe(true);
    expect(isSilent({ ...task, updatedAt: T0 + 1 }, T0 + LIMIT + 1, SETTINGS)).toBe(false);
  });

  it('never fires when switched off', () => {
    expect(isSilent(aTask({ state: 'in_progress' }), T0 + 1000 * LIMIT, OFF)).toBe(false);
  });
});

describe('in-flight watchdog: the timeout', () => {
  const running = aTask({ state: 'in_progress', gatewaySn: 'DOCK-7', updatedAt: T0 });
  const now = T0 + LIMIT + 5 * MINUTE;

  it('says how long, in which state, since when, and what to check', () => {
    expect(silenceCause(running, now, SETTINGS)).toBe(
      'dock_silent: no word from dock DOCK-7 for 125 min while in progress ' +
        '(last heard 2026-01-10T12:00:00.000Z, limit 120 min); ' +
        "check the dock's power and link and where the aircraft is",
    );
  });

  it('moves a silent started task to timeout, recorded and published', () => {
    for (const state of ['executing', 'in_progress', 'paused'] as const) {
      const task = {
        ...running,
        state,
        pendingCommandId: 'cmd-1',
        nextActionAt: T0,
        resultCode: 0,
        resultMeaning: 'success',
      };
      const m = mutation(timeOutSilent(task, now, SETTINGS));
      expect(m.task).toMatchObject({
        state: 'timeout',
        pendingCommandId: null,
        nextActionAt: null,
        resultCode: null,
        resultMeaning: null,
        updatedAt: now,
        lastCause: silenceCause(task, now, SETTINGS),
      });
      expect(m.transition).toEqual({
        from: state,
        to: 'timeout',
        cause: silenceCause(task, now, SETTINGS),
        resultCode: null,
        resultMeaning: null,
        at: now,
      });
      expect(m.publish).toBe(true);
      expect(m.commands).toEqual([]);
    }
    expect(silenceCause({ ...running, state: 'paused' }, now, SETTINGS)).toMatch(/while paused/);
  });

  it('refuses a task heard from within the limit, one not started, one over, or when off', () => {
    expect(timeOutSilent({ ...running, updatedAt: now - LIMIT }, now, SETTINGS)).toMatchObject({
      refused: true,
      final: false,
    });
    expect(timeOutSilent({ ...running, state: 'prepared' }, now, SETTINGS)).toMatchObject({
      refused: true,
      final: false,
    });
    expect(timeOutSilent({ ...running, state: 'ok' }, now, SETTINGS)).toMatchObject({
      refused: true,
      final: true,
    });
    expect(timeOutSilent(running, now, OFF)).toMatchObject({ refused: true });
  });

  it('a late report or answer after the timeout leaves the task final', () => {
    const timedOut = mutation(
      timeOutSilent({ ...running, pendingCommandId: 'c1' }, now, SETTINGS),
    ).task;
    const later = now + MINUTE;
    for (const status of ['in_progress', 'ok', 'failed']) {
      const report = {
        data: { result: 0, output: { status, progress: { current_step: 21, percent: 90 } } },
        reportedAt: later,
      };
      expect(onProgress(timedOut, report, later, SETTINGS)).toBeNull();
    }
    const accepted = { outcome: 'replied' as const, result: 0 };
    expect(
      onTaskCommandAnswer(timedOut, 'c1', 'flighttask_recovery', accepted, later, SETTINGS),
    ).toMatchObject({ refused: true, final: true });
    expect(onStepAnswer(timedOut, 'c1', 'execute', accepted, later, SETTINGS)).toBeNull();
  });
});
