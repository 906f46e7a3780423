import type { Task, TaskSpec } from '../task';
import type { TimingSettings } from '../task-timing';

/** Test data for the domain's unit tests (not used by the service). */
export const SETTINGS: TimingSettings = {
  prepareLeadMs: 10 * 60_000,
  minPrepareLeadMs: 2 * 60_000,
  immediateWindowMs: 10 * 60_000,
  executeGraceMs: 5 * 60_000,
  replyDeadlineMs: 60_000,
  inFlightSilenceMs: 2 * 60 * 60_000,
  retry: { initialMs: 1_000, maxMs: 30_000, maxAttempts: 4 },
};

export const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

export function aSpec(overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    taskType: 1,
    executeTime: T0 + 60 * 60_000,
    readyConditions: null,
    executableConditions: null,
    rthAltitude: 100,
    rthMode: 1,
    outOfControlAction: 0,
    exitWaylineWhenRcLost: 1,
    breakPoint: null,
    simulateMission: null,
    waylineType: 0,
    ...overrides,
  };
}

export function aTask(overrides: Partial<Task> = {}, spec: Partial<TaskSpec> = {}): Task {
  return {
    flightId: 'flight-1',
    organizationId: 'org-1',
    gatewaySn: 'DOCK-1',
    waylineId: '3f1c1d8e-7d7a-4b54-9a53-0d3c9b3d0a11',
    name: 'survey',
    creator: 'tester',
    planId: null,
    resumedFrom: null,
    spec: aSpec(spec),
    state: 'scheduled',
    version: 3,
    nextActionAt: null,
    attempts: 0,
    pendingCommandId: null,
    cancelCommandId: null,
    readyAt: null,
    resultCode: null,
    resultMeaning: null,
    lastCause: 'created',
    progress: null,
    file: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}
