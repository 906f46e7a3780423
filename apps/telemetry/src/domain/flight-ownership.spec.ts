import { splitByOwner } from './flight-ownership';
import type { ProgressRow } from './telemetry-rows';

const row = (gatewaySn: string, flightId: string, eventAt: number): ProgressRow => ({
  gatewaySn,
  flightId,
  eventAt,
  dedupeKey: `${gatewaySn}-${eventAt}`,
  tid: `${gatewaySn}-${eventAt}`,
  bid: flightId,
  receivedAt: eventAt,
  status: 'in_progress',
  isFinal: false,
  result: 0,
  currentStep: null,
  percent: null,
  waypointIndex: null,
  waylineId: null,
  waylineMissionState: null,
  mediaCount: null,
  trackId: null,
  breakPoint: null,
  ext: null,
});

describe('splitByOwner', () => {
  it('flags progress a dock sends for a flight another dock already reported', () => {
    const mine = row('DOCK-A', 'F1', 2);
    const theirs = row('DOCK-B', 'F1', 3);
    expect(splitByOwner([mine, theirs], new Map([['F1', 'DOCK-A']]))).toEqual({
      own: [mine],
      fromOtherDock: [theirs],
    });
  });

  it('gives a new flight to the dock of its earliest report in the batch', () => {
    const late = row('DOCK-A', 'F2', 20);
    const early = row('DOCK-B', 'F2', 10);
    const other = row('DOCK-A', 'F3', 5);
    expect(splitByOwner([late, early, other], new Map())).toEqual({
      own: [early, other],
      fromOtherDock: [late],
    });
  });
});
