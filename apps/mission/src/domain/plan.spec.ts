import { generateTasks, Plan, suspendIfDockLeft } from './plan';
import { aSpec, SETTINGS } from './testing/task-fixture';

const NOW = Date.UTC(2026, 9, 23, 0, 0);

function aPlan(overrides: Partial<Plan> = {}): Plan {
  const {
    taskType: _t,
    executeTime: _e,
    readyConditions: _r,
    breakPoint: _b,
    ...template
  } = aSpec();
  return {
    id: 'plan-1',
    organizationId: 'org-1',
    name: 'daily',
    creator: 'ops',
    gatewaySn: 'DOCK-1',
    waylineId: 'w',
    recurrence: { cron: '0 9 * * *', timeZone: 'Europe/Berlin' },
    startsAt: NOW,
    endsAt: Date.UTC(2026, 9, 27),
    template,
    state: 'active',
    stateReason: null,
    generatedUntil: NOW,
    version: 0,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

let counter = 0;
const ids = () => `t-${++counter}`;

describe('generateTasks', () => {
  it("gives every generated task the plan's organization", () => {
    const { tasks } = generateTasks(
      aPlan({ organizationId: 'org-7' }),
      NOW,
      SETTINGS,
      { horizonMs: 3 * 86_400_000, batch: 10 },
      ids,
    );
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((t) => t.task.organizationId === 'org-7')).toBe(true);
  });

  it('creates one timed task per occurrence inside the horizon, in UTC across the DST change', () => {
    const { tasks, generatedUntil } = generateTasks(
      aPlan(),
      NOW,
      SETTINGS,
      { horizonMs: 7 * 86_400_000, batch: 50 },
      ids,
    );
    expect(tasks.map((t) => new Date(t.task.spec.executeTime ?? 0).toISOString())).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
    expect(tasks.every((t) => t.task.spec.taskType === 1 && t.task.planId === 'plan-1')).toBe(true);
    expect(generatedUntil).toBe(Date.UTC(2026, 9, 27));
  });

  it('continues where it stopped and generates nothing twice', () => {
    const first = generateTasks(
      aPlan(),
      NOW,
      SETTINGS,
      { horizonMs: 36 * 3_600_000, batch: 50 },
      ids,
    );
    expect(first.tasks).toHaveLength(2);
    const second = generateTasks(
      aPlan({ generatedUntil: first.generatedUntil }),
      NOW + 86_400_000,
      SETTINGS,
      { horizonMs: 36 * 3_600_000, batch: 50 },
      ids,
    );
    expect(second.tasks.map((t) => new Date(t.task.spec.executeTime ?? 0).toISOString())).toEqual([
      '2026-10-25T08:00:00.000Z',
    ]);
  });

  it('generates nothing for a paused plan', () => {
    expect(
      generateTasks(
        aPlan({ state: 'paused' }),
        NOW,
        SETTINGS,
        { horizonMs: 86_400_000, batch: 50 },
        ids,
      ).tasks,
    ).toEqual([]);
  });

  it('skips an occurrence too close to prepare for', () => {
    const close = NOW + 7 * 3_600_000 - 60_000; // one minute before 09:00 Berlin
    const { tasks } = generateTasks(
      aPlan({ generatedUntil: close - 1 }),
      close,
      SETTINGS,
      { horizonMs: 3_600_000, batch: 50 },
      ids,
    );
    expect(tasks).toEqual([]);
  });
});

describe('suspendIfDockLeft', () => {
  it('lets an active plan go on while its dock is its organization’s', () => {
    expect(suspendIfDockLeft(aPlan(), 'org-1', NOW + 1)).toBeNull();
  });

  it.each([
    ['another organization', 'org-2'],
    ['no organization (unbound)', null],
  ])('suspends an active plan whose dock now belongs to %s, saying why', (_, organization) => {
    const plan = aPlan({ generatedUntil: NOW + 5 });
    expect(suspendIfDockLeft(plan, organization, NOW + 1)).toEqual({
      ...plan,
      state: 'suspended',
      stateReason: 'dock_moved_organization',
      updatedAt: NOW + 1,
    });
  });

  it.each(['paused', 'suspended', 'deleted'] as const)(
    'leaves a %s plan as it is (only an active plan generates)',
    (state) => {
      expect(suspendIfDockLeft(aPlan({ state }), 'org-2', NOW + 1)).toBeNull();
    },
  );

  it('generates nothing for a suspended plan', () => {
    const suspended = suspendIfDockLeft(aPlan(), 'org-2', NOW)!;
    const generation = { horizonMs: 3 * 86_400_000, batch: 10 };
    expect(generateTasks(suspended, NOW, SETTINGS, generation, ids)).toEqual({
      tasks: [],
      generatedUntil: suspended.generatedUntil,
    });
  });
});
