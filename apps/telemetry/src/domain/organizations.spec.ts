import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { latestFacts, organizationOf } from './organizations';

describe('organizationOf', () => {
  const known = {
    flights: new Map([['f1', 'org-flight']]),
    docks: new Map([['DOCK-A', 'org-dock']]),
  };

  it("takes the flight's organization, then the dock's, then the default one", () => {
    expect(organizationOf({ gatewaySn: 'DOCK-A', flightId: 'f1' }, known)).toBe('org-flight');
    expect(organizationOf({ gatewaySn: 'DOCK-A', flightId: 'f2' }, known)).toBe('org-dock');
    expect(organizationOf({ gatewaySn: 'DOCK-A', flightId: null }, known)).toBe('org-dock');
    expect(organizationOf({ gatewaySn: 'DOCK-A' }, known)).toBe('org-dock');
    expect(organizationOf({ gatewaySn: 'DOCK-B', flightId: 'f2' }, known)).toBe(
      DEFAULT_ORGANIZATION_ID,
    );
  });
});

describe('latestFacts', () => {
  it('keeps the last fact of each flight', () => {
    const facts = latestFacts([
      { flightId: 'f1', gatewaySn: 'A', organizationId: 'o1', at: 1 },
      { flightId: 'f2', gatewaySn: 'B', organizationId: 'o2', at: 2 },
      { flightId: 'f1', gatewaySn: 'A', organizationId: 'o3', at: 3 },
    ]);
    expect(facts).toEqual([
      { flightId: 'f1', gatewaySn: 'A', organizationId: 'o3', at: 3 },
      { flightId: 'f2', gatewaySn: 'B', organizationId: 'o2', at: 2 },
    ]);
  });
});
