import { blocksDeletion, FlightBinding, isFinalTaskState } from './flight-binding';

const binding = (overrides: Partial<FlightBinding>): FlightBinding => ({
  flightId: 'f1',
  organizationId: 'org-1',
  waylineId: 'w1',
  gatewaySn: 'DOCK1',
  taskState: null,
  taskVersion: null,
  boundAt: new Date(1_000_000),
  updatedAt: new Date(1_000_000),
  ...overrides,
});

describe('flight bindings', () => {
  it('knows the final task states', () => {
    expect(
      ['ok', 'partially_done', 'failed', 'rejected', 'canceled', 'timeout'].every((s) =>
        isFinalTaskState(s as never),
      ),
    ).toBe(true);
    expect(isFinalTaskState('executing')).toBe(false);
    expect(isFinalTaskState('scheduled')).toBe(false);
  });

  it('blocks deletion while the task is not final', () => {
    expect(blocksDeletion(binding({ taskState: 'in_progress', taskVersion: 3 }), 9e12, 1000)).toBe(
      true,
    );
    expect(blocksDeletion(binding({ taskState: 'ok', taskVersion: 4 }), 0, 1000)).toBe(false);
  });

  it('lets an unconfirmed binding block only during the hold', () => {
    expect(blocksDeletion(binding({}), 1_000_500, 1000)).toBe(true);
    expect(blocksDeletion(binding({}), 1_001_000, 1000)).toBe(false);
  });
});
