import { isRefusal, TaskMutation } from './task-mutation';
import {
  dispatchExecute,
  dispatchPrepare,
  onProgress,
  onReady,
  onStepAnswer,
  onTaskCommandAnswer,
  requestCancel,
  withdrawBeforeDispatch,
} from './task-lifecycle';
import { aTask, SETTINGS, T0 } from './testing/task-fixture';
import { FlighttaskProgressData } from '@dock/protocol';

const FILE = { url: 'https://files.example/w.kmz', fingerprint: 'a'.repeat(32) };

function mutation(value: unknown): TaskMutation {
  if (value === null || isRefusal(value as never))
    throw new Error(`expected a mutation: ${JSON.stringify(value)}`);
  return value as TaskMutation;
}

function progress(
  status: string,
  percent: number,
  extra: Partial<FlighttaskProgressData['output']> = {},
  result = 0,
): FlighttaskProgressData {
  return { result, output: { status, progress: { current_step: 21, percent }, ...extra } };
}

describe('dispatch', () => {
  it('sends a prepare the protocol accepts, with execute_time = now for an immediate task', () => {
    const task = aTask({ nextActionAt: T0 }, { taskType: 0, executeTime: null });
    const m = mutation(dispatchPrepare(task, FILE, 'cmd-1', T0 + 5, SETTINGS));
    expect(m.task.state).toBe('preparing');
    expect(m.task.pendingCommandId).toBe('cmd-1');
    expect(m.task.attempts).toBe(1);
    expect(m.task.nextActionAt).toBe(T0 + 5 + SETTINGS.replyDeadlineMs);
    expect(m.commands).toHaveLength(1);
    expect(m.commands[0]).toMatchObject({
      id: 'cmd-1',
      method: 'flighttask_prepare',
      bid: 'flight-1',
      data: { flight_id: 'flight-1', task_type: 0, execute_time: T0 + 5, file: FILE },
    });
    expect(m.transition).toMatchObject({ from: 'scheduled', to: 'preparing' });
    expect(m.publish).toBe(true);
  });

  it('fails a task whose prepare the protocol would refuse instead of sending it', () => {
    const task = aTask({}, { rthAltitude: 5 });
    const m = mutation(dispatchPrepare(task, FILE, 'cmd-1', T0, SETTINGS));
    expect(m.task.state).toBe('failed');
    expect(m.task.lastCause).toMatch(/invalid_prepare: data.rth_altitude/);
    expect(m.commands).toEqual([]);
  });

  it('executes a prepared task', () => {
    const task = aTask({ state: 'prepared' });
    const m = mutation(dispatchExecute(task, 'cmd-2', T0, SETTINGS));
    expect(m.task.state).toBe('executing');
    expect(m.commands[0]).toMatchObject({
      method: 'flighttask_execute',
      data: { flight_id: 'flight-1' },
    });
  });
});

describe('answers to prepare and execute', () => {
  const preparing = aTask({ state: 'preparing', pendingCommandId: 'cmd-1', attempts: 1 });

  it('accepted: prepared, attempts reset, execute planned at execute_time', () => {
    const m = mutation(
      onStepAnswer(preparing, 'cmd-1', 'prepare', { outcome: 'replied', result: 0 }, T0, SETTINGS),
    );
    expect(m.task).toMatchObject({
      state: 'prepared',
      attempts: 0,
      pendingCommandId: null,
      resultCode: 0,
    });
    expect(m.task.nextActionAt).toBe(preparing.spec.executeTime);
  });

  it('ignores an answer to an attempt that is no longer pending', () => {
    expect(
      onStepAnswer(preparing, 'cmd-0', 'prepare', { outcome: 'replied', result: 0 }, T0, SETTINGS),
    ).toBeNull();
  });

  it('retryable refusal: back to scheduled with backoff, code kept with its meaning', () => {
    const m = mutation(
      onStepAnswer(
        preparing,
        'cmd-1',
        'prepare',
        { outcome: 'replied', result: 319001 },
        T0,
        SETTINGS,
      ),
    );
    expect(m.task).toMatchObject({
      state: 'scheduled',
      resultCode: 319001,
      resultMeaning: 'dock busy',
      nextActionAt: T0 + 1_000,
    });
    expect(m.transition).toMatchObject({ from: 'preparing', to: 'scheduled', resultCode: 319001 });
  });

  it('backoff doubles with each attempt', () => {
    const third = { ...preparing, attempts: 3 };
    const m = mutation(
      onStepAnswer(third, 'cmd-1', 'prepare', { outcome: 'replied', result: 319016 }, T0, SETTINGS),
    );
    expect(m.task.nextActionAt).toBe(T0 + 4_000);
  });

  it('retryable refusal after the last attempt: failed, code kept', () => {
    const last = { ...preparing, attempts: SETTINGS.retry.maxAttempts };
    const m = mutation(
      onStepAnswer(last, 'cmd-1', 'prepare', { outcome: 'replied', result: 319001 }, T0, SETTINGS),
    );
    expect(m.task).toMatchObject({ state: 'failed', resultCode: 319001 });
    expect(m.task.lastCause).toBe('prepare_refused: attempts_exhausted');
  });

  it('retry that would land outside the window: failed for the window', () => {
    const late = aTask(
      { state: 'preparing', pendingCommandId: 'cmd-1', attempts: 1 },
      { executeTime: T0 + 2 * 60_000 + 500 },
    );
    const m = mutation(
      onStepAnswer(late, 'cmd-1', 'prepare', { outcome: 'timeout', result: null }, T0, SETTINGS),
    );
    expect(m.task.state).toBe('failed');
    expect(m.task.lastCause).toBe('prepare_timeout: window_passed');
  });

  it('non-retryable refusal: rejected with the code', () => {
    const m = mutation(
      onStepAnswer(
        preparing,
        'cmd-1',
        'prepare',
        { outcome: 'replied', result: 314005 },
        T0,
        SETTINGS,
      ),
    );
    expect(m.task).toMatchObject({
      state: 'rejected',
      resultCode: 314005,
      resultMeaning: 'wayline MD5 check failed',
    });
  });

  it('execute accepted: in progress, nothing left for the scheduler', () => {
    const executing = aTask({ state: 'executing', pendingCommandId: 'cmd-2', attempts: 1 });
    const m = mutation(
      onStepAnswer(executing, 'cmd-2', 'execute', { outcome: 'replied', result: 0 }, T0, SETTINGS),
    );
    expect(m.task).toMatchObject({ state: 'in_progress', nextActionAt: null });
  });

  it('conditional execute refused with a retryable code goes back to ready', () => {
    const executing = aTask(
      { state: 'executing', pendingCommandId: 'cmd-2', attempts: 1, readyAt: T0 },
      {
        taskType: 2,
        executeTime: null,
        readyConditions: { battery_capacity: 50, begin_time: T0, end_time: T0 + 3_600_000 },
      },
    );
    const m = mutation(
      onStepAnswer(
        executing,
        'cmd-2',
        'execute',
        { outcome: 'replied', result: 319001 },
        T0,
        SETTINGS,
      ),
    );
    expect(m.task).toMatchObject({ state: 'ready', nextActionAt: T0 + 1_000 });
  });
});

describe('progress', () => {
  const running = aTask({ state: 'in_progress' });

  it('records status, step, percent, waypoint, media count and break point', () => {
    const m = mutation(
      onProgress(
        running,
        {
          reportedAt: T0 + 10,
          data: progress('in_progress', 40, {
            ext: {
              current_waypoint_index: 3,
              media_count: 6,
              break_point: { index: 2, state: 0, progress: 0.5, wayline_id: 0 },
            },
          }),
        },
        T0 + 20,
        SETTINGS,
      ),
    );
    expect(m.task.progress).toEqual({
      status: 'in_progress',
      currentStep: 21,
      percent: 40,
      waypointIndex: 3,
      mediaCount: 6,
      waylineMissionState: null,
      breakPoint: { index: 2, state: 0, progress: 0.5, wayline_id: 0 },
      reportedAt: T0 + 10,
    });
    expect(m.transition).toBeNull();
    expect(m.publish).toBe(false);
  });

  it('ignores duplicates and reports older than the last one applied', () => {
    const seen = mutation(
      onProgress(running, { reportedAt: T0 + 10, data: progress('in_progress', 40) }, T0, SETTINGS),
    ).task;
    expect(
      onProgress(seen, { reportedAt: T0 + 10, data: progress('in_progress', 40) }, T0, SETTINGS),
    ).toBeNull();
    expect(
      onProgress(seen, { reportedAt: T0 + 5, data: progress('paused', 30) }, T0, SETTINGS),
    ).toBeNull();
  });

  it('a final status ends the task even if it overtook a later report, and nothing reopens it', () => {
    const seen = mutation(
      onProgress(running, { reportedAt: T0 + 10, data: progress('in_progress', 40) }, T0, SETTINGS),
    ).task;
    const done = mutation(
      onProgress(seen, { reportedAt: T0 + 9, data: progress('ok', 100) }, T0, SETTINGS),
    );
    expect(done.task).toMatchObject({ state: 'ok', resultCode: 0 });
    expect(done.task.progress?.reportedAt).toBe(T0 + 10);
    expect(
      onProgress(
        done.task,
        { reportedAt: T0 + 30, data: progress('in_progress', 50) },
        T0,
        SETTINGS,
      ),
    ).toBeNull();
  });

  it('a failed status keeps the result code with its meaning', () => {
    const m = mutation(
      onProgress(
        running,
        { reportedAt: T0, data: progress('failed', 60, {}, 322283) },
        T0,
        SETTINGS,
      ),
    );
    expect(m.task).toMatchObject({
      state: 'failed',
      resultCode: 322283,
      resultMeaning: 'user triggered return to home',
    });
  });

  it('in_progress while the execute is in flight moves the task on and forgets the command', () => {
    const executing = aTask({ state: 'executing', pendingCommandId: 'cmd-2' });
    const m = mutation(
      onProgress(executing, { reportedAt: T0, data: progress('in_progress', 1) }, T0, SETTINGS),
    );
    expect(m.task).toMatchObject({ state: 'in_progress', pendingCommandId: null });
  });
});

describe('operator commands', () => {
  it('cancels a task the dock never saw locally', () => {
    const result = requestCancel(aTask(), 'undo-1', T0, SETTINGS);
    if (isRefusal(result)) throw new Error(result.reason);
    expect(result.needsUndo).toBe(false);
    expect(result.mutation.task.state).toBe('canceled');
  });

  it('asks the dock to undo a prepared task, then cancels it when accepted', () => {
    const prepared = aTask({ state: 'prepared' });
    const result = requestCancel(prepared, 'undo-1', T0, SETTINGS);
    if (isRefusal(result)) throw new Error(result.reason);
    expect(result.needsUndo).toBe(true);
    expect(result.mutation.task).toMatchObject({ state: 'prepared', cancelCommandId: 'undo-1' });
    const answered = mutation(
      onTaskCommandAnswer(
        result.mutation.task,
        'undo-1',
        'flighttask_undo',
        { outcome: 'replied', result: 0 },
        T0,
        SETTINGS,
      ),
    );
    expect(answered.task).toMatchObject({ state: 'canceled', cancelCommandId: null });
  });

  it('refuses to cancel a running task', () => {
    const result = requestCancel(aTask({ state: 'in_progress' }), 'undo-1', T0, SETTINGS);
    expect(isRefusal(result)).toBe(true);
  });

  it('a refused pause keeps the state and records the code', () => {
    const running = aTask({ state: 'in_progress' });
    const m = mutation(
      onTaskCommandAnswer(
        running,
        'p-1',
        'flighttask_pause',
        { outcome: 'replied', result: 319046 },
        T0,
        SETTINGS,
      ),
    );
    expect(m.task).toMatchObject({
      state: 'in_progress',
      resultCode: 319046,
      lastCause: 'pause_refused',
    });
    expect(m.publish).toBe(true);
  });
});

describe('flighttask_ready', () => {
  const conditional = aTask(
    { state: 'prepared' },
    {
      taskType: 2,
      executeTime: null,
      readyConditions: { battery_capacity: 50, begin_time: T0 + 60_000, end_time: T0 + 3_600_000 },
    },
  );

  it('makes a prepared conditional task ready, executable from begin_time', () => {
    const m = mutation(onReady(conditional, T0, SETTINGS));
    expect(m.task).toMatchObject({ state: 'ready', readyAt: T0, nextActionAt: T0 + 60_000 });
  });

  it('is ignored for other task types and repeated notices', () => {
    expect(onReady(aTask({ state: 'prepared' }), T0, SETTINGS)).toBeNull();
    expect(onReady({ ...conditional, state: 'ready' }, T0, SETTINGS)).toBeNull();
  });
});

describe('withdrawBeforeDispatch (a suspended plan takes back its tasks)', () => {
  const CAUSE = 'dock_moved_organization';

  it('cancels a task never sent to the dock, with the cause in its transition and record', () => {
    const m = mutation(withdrawBeforeDispatch(aTask({ planId: 'plan-1' }), T0, SETTINGS, CAUSE));
    expect(m.task).toMatchObject({ state: 'canceled', lastCause: CAUSE, nextActionAt: null });
    expect(m.transition).toMatchObject({ from: 'scheduled', to: 'canceled', cause: CAUSE, at: T0 });
    expect(m.publish).toBe(true);
    // Nothing goes to the dock: it never had the task.
    expect(m.commands).toEqual([]);
  });

  it.each([
    ['a prepare pending', { pendingCommandId: 'cmd-1' }],
    ['preparing', { state: 'preparing' as const, pendingCommandId: 'cmd-1' }],
    ['prepared', { state: 'prepared' as const }],
    ['ready', { state: 'ready' as const }],
    ['executing', { state: 'executing' as const }],
    ['an undo pending', { state: 'prepared' as const, cancelCommandId: 'undo-1' }],
    ['already canceled', { state: 'canceled' as const }],
  ])('leaves a task the dock already has alone (%s)', (_, overrides) => {
    expect(withdrawBeforeDispatch(aTask(overrides), T0, SETTINGS, CAUSE)).toBeNull();
  });
});
