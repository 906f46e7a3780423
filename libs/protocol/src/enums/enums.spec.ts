import { CURRENT_STEP } from './current-step';
import { EXIT_HOMING_ACTION, EXIT_HOMING_REASON } from './exit-homing';
import { TASK_TYPE, WAYLINE_TYPE } from './prepare-options';
import { describeResultCode, resultCodeForBreakReason } from './result-codes';
import { isFinalTaskStatus, isTaskStatus, TASK_STATUS, TASK_STATUSES } from './task-status';
import { WAYLINE_MISSION_STATE } from './wayline-mission-state';
import { BREAK_POINT_STATE, LAST_POINT_TYPE } from './waypoints';

describe('enum tables', () => {
  it('covers the documented values', () => {
    expect(CURRENT_STEP.values).toHaveLength(46); // 0..42 + 0xFFFD, 0xFFFE, 0xFFFFF
    expect(WAYLINE_MISSION_STATE.values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(EXIT_HOMING_REASON.values).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(EXIT_HOMING_ACTION.values).toEqual([0, 1]);
    expect(LAST_POINT_TYPE.values).toEqual([0, 1]);
    expect(BREAK_POINT_STATE.values).toEqual([0, 1]);
    expect(TASK_TYPE.values).toEqual([0, 1, 2]);
    expect(WAYLINE_TYPE.values).toEqual([0, 1]);
    expect(TASK_STATUS.values).toEqual(TASK_STATUSES);
  });

  it('labels unknown values without throwing, whatever they are', () => {
    expect(CURRENT_STEP.labelFor(13)).toBe('Getting the latest KMZ URL');
    expect(CURRENT_STEP.labelFor(49)).toBe('unknown (49)');
    expect(CURRENT_STEP.labelFor('13')).toBe('unknown ("13")');
    expect(EXIT_HOMING_REASON.labelFor(undefined)).toBe('unknown (undefined)');
    expect(EXIT_HOMING_REASON.labelFor(null)).toBe('unknown (null)');
    expect(EXIT_HOMING_REASON.labelFor({ toString: () => 'x' })).toBe('unknown (object)');
    expect(TASK_STATUS.labelFor('x'.repeat(100))).toMatch(/^unknown \(".{40}…"\)$/);
    expect(CURRENT_STEP.isKnown(0xfffff)).toBe(true);
    expect(CURRENT_STEP.isKnown(0xffff)).toBe(false);
  });

  it('knows which task statuses are final', () => {
    expect(TASK_STATUSES.filter(isFinalTaskStatus)).toEqual([
      'ok',
      'partially_done',
      'rejected',
      'failed',
      'canceled',
      'timeout',
    ]);
    expect(isFinalTaskStatus('in_progress')).toBe(false);
    expect(isFinalTaskStatus('exploded')).toBe(false);
    expect(isTaskStatus('paused')).toBe(true);
    expect(isTaskStatus('exploded')).toBe(false);
  });
});

describe('describeResultCode', () => {
  it.each([
    [0, 'success', 'success', false],
    [314000, 'wayline', 'not supported in the current state', true],
    [314013, 'wayline', 'could not get the KMZ URL', false],
    [314999, 'wayline', 'wayline distribution or preparation error', false],
    [316009, 'aircraft_setup', 'aircraft battery below 30 %', false],
    [317001, 'media', 'media file count failed', false],
    [319001, 'dock_task_state', 'dock busy', true],
    [319008, 'dock_task_state', 'dock clock not synchronised with the cloud', false],
    [319016, 'dock_task_state', 'dock is performing another task', true],
    [321773, 'flight_controller', 'low-battery return to home', false],
    [322283, 'flight_controller', 'user triggered return to home', false],
    [513003, 'unknown', 'unknown result code', false],
    [-1, 'unknown', 'unknown result code', false],
  ])('describes %i', (code, family, meaning, retryable) => {
    expect(describeResultCode(code)).toMatchObject({ code, family, meaning, retryable });
  });

  it('relates flight controller codes to break_reason', () => {
    expect(describeResultCode(322283).breakReason).toBe(1283);
    expect(resultCodeForBreakReason(1283)).toBe(322283);
    expect(describeResultCode(319001).breakReason).toBeUndefined();
  });

  it('never throws on non-integers', () => {
    expect(describeResultCode(Number.NaN)).toMatchObject({ family: 'unknown' });
    expect(describeResultCode(1.5)).toMatchObject({ family: 'unknown' });
    expect(describeResultCode('319001' as unknown as number)).toMatchObject({ family: 'unknown' });
  });
});
