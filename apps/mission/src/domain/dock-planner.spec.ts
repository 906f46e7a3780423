import { planDock } from './dock-planner';
import { aTask, SETTINGS, T0 } from './testing/task-fixture';

const HOUR = 3_600_000;

describe('planDock', () => {
  it('prepares a timed task once its lead time is reached, not before', () => {
    const task = aTask(
      { nextActionAt: T0 + HOUR - SETTINGS.prepareLeadMs },
      { executeTime: T0 + HOUR },
    );
    expect(planDock([task], T0, SETTINGS)).toEqual([]);
    expect(planDock([task], T0 + HOUR - SETTINGS.prepareLeadMs, SETTINGS)).toEqual([
      { kind: 'prepare', flightId: 'flight-1' },
    ]);
  });

  it('executes a prepared timed task at execute_time', () => {
    const task = aTask({ state: 'prepared', nextActionAt: T0 + HOUR });
    expect(planDock([task], T0 + HOUR - 1, SETTINGS)).toEqual([]);
    expect(planDock([task], T0 + HOUR, SETTINGS)).toEqual([
      { kind: 'execute', flightId: 'flight-1' },
    ]);
  });

  it('never executes a prepared conditional task before flighttask_ready', () => {
    const window = { battery_capacity: 50, begin_time: T0, end_time: T0 + HOUR };
    const task = aTask(
      { state: 'prepared', nextActionAt: T0 + HOUR + 1 },
      { taskType: 2, executeTime: null, readyConditions: window },
    );
    expect(planDock([task], T0 + 10, SETTINGS)).toEqual([]);
    expect(
      planDock([{ ...task, state: 'ready', nextActionAt: T0 + 10 }], T0 + 10, SETTINGS),
    ).toEqual([{ kind: 'execute', flightId: 'flight-1' }]);
    expect(planDock([task], T0 + HOUR + 1, SETTINGS)).toEqual([
      { kind: 'expire', flightId: 'flight-1' },
    ]);
  });

  it('waits while the dock runs another task, in order of due time then creation', () => {
    const running = aTask({ flightId: 'running', state: 'in_progress' });
    const later = aTask(
      { flightId: 'b', nextActionAt: T0 + 5, createdAt: T0 - 10 },
      { taskType: 0, executeTime: null },
    );
    const first = aTask(
      { flightId: 'a', nextActionAt: T0 + 1, createdAt: T0 },
      { taskType: 0, executeTime: null },
    );
    const sameTimeNewer = aTask(
      { flightId: 'c', nextActionAt: T0 + 1, createdAt: T0 + 1 },
      { taskType: 0, executeTime: null },
    );
    expect(planDock([running, later, first, sameTimeNewer], T0 + 10, SETTINGS)).toEqual([]);
    const idle = { ...running, state: 'ok' as const };
    expect(planDock([idle, later, sameTimeNewer, first], T0 + 10, SETTINGS)).toEqual([
      { kind: 'prepare', flightId: 'a' },
    ]);
  });

  it('dispatches at most one step per dock and round', () => {
    const a = aTask({ flightId: 'a', nextActionAt: T0 }, { taskType: 0, executeTime: null });
    const b = aTask(
      { flightId: 'b', nextActionAt: T0, createdAt: T0 + 1 },
      { taskType: 0, executeTime: null },
    );
    expect(planDock([a, b], T0, SETTINGS)).toHaveLength(1);
  });

  it('fails a task whose window passed while the dock was busy', () => {
    const running = aTask({ flightId: 'running', state: 'in_progress' });
    const timed = aTask({ flightId: 't', state: 'prepared', nextActionAt: T0 + HOUR });
    expect(planDock([running, timed], T0 + HOUR + SETTINGS.executeGraceMs + 1, SETTINGS)).toEqual([
      { kind: 'expire', flightId: 't' },
    ]);
  });

  it('treats a command without an answer past our deadline as timed out', () => {
    const task = aTask({ state: 'preparing', pendingCommandId: 'c1', nextActionAt: T0 });
    expect(planDock([task], T0, SETTINGS)).toEqual([
      { kind: 'reply_overdue', flightId: 'flight-1', commandId: 'c1' },
    ]);
  });

  it('leaves a task alone while its cancel is pending', () => {
    const task = aTask({ state: 'prepared', nextActionAt: T0, cancelCommandId: 'u1' });
    expect(planDock([task], T0 + 10 * HOUR, SETTINGS)).toEqual([]);
  });
});

describe('planDock and the in-flight watchdog', () => {
  const LIMIT = SETTINGS.inFlightSilenceMs ?? 0;
  // A timed task whose prepare is due while the silent one holds the dock, still in its window.
  const queued = aTask(
    { flightId: 'next', nextActionAt: T0 + LIMIT - 5 * 60_000, createdAt: T0 + 1 },
    { executeTime: T0 + LIMIT + 5 * 60_000 },
  );

  it('times out a silent started task and lets the next due task go in the same plan', () => {
    const silent = aTask({ flightId: 'silent', state: 'in_progress', updatedAt: T0 });
    expect(planDock([silent, queued], T0 + LIMIT, SETTINGS)).toEqual([]);
    expect(planDock([silent, queued], T0 + LIMIT + 1, SETTINGS)).toEqual([
      { kind: 'dock_silent', flightId: 'silent' },
      { kind: 'prepare', flightId: 'next' },
    ]);
  });

  it('leaves a task alone while its dock keeps reporting, and when switched off', () => {
    const reporting = aTask({ flightId: 'r', state: 'paused', updatedAt: T0 + LIMIT });
    expect(planDock([reporting, queued], T0 + LIMIT + 1, SETTINGS)).toEqual([]);
    const silent = { ...reporting, updatedAt: T0 };
    const off = { ...SETTINGS, inFlightSilenceMs: null };
    expect(planDock([silent, queued], T0 + LIMIT + 1, off)).toEqual([]);
  });

  it('lets an overdue command answer decide first; a pending cancel does not shield', () => {
    const executing = aTask({
      flightId: 'e',
      state: 'executing',
      pendingCommandId: 'c1',
      nextActionAt: T0 + SETTINGS.replyDeadlineMs,
      updatedAt: T0,
    });
    expect(planDock([executing], T0 + LIMIT + 1, SETTINGS)).toEqual([
      { kind: 'reply_overdue', flightId: 'e', commandId: 'c1' },
    ]);
    const leftCancel = aTask({ flightId: 'p', state: 'in_progress', cancelCommandId: 'u1' });
    expect(planDock([leftCancel], T0 + LIMIT + 1, SETTINGS)).toEqual([
      { kind: 'dock_silent', flightId: 'p' },
    ]);
  });
});

describe('planDock ties', () => {
  it('keeps creation order for tasks due and created in the same millisecond', () => {
    const z = aTask({ flightId: 'z', nextActionAt: T0 }, { taskType: 0, executeTime: null });
    const a = aTask({ flightId: 'a', nextActionAt: T0 }, { taskType: 0, executeTime: null });
    expect(planDock([z, a], T0, SETTINGS)).toEqual([{ kind: 'prepare', flightId: 'z' }]);
  });
});
