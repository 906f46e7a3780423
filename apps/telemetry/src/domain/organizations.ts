import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type { TelemetryItem } from './telemetry-rows';

/**
 * Which organization a stored row belongs to. Docks do not say; the mission service does, in
 * every mission.task-events record (flight, dock, organization). Telemetry keeps what it
 * learned there: the organization of each flight, and of each dock (the one of its newest
 * task). A row of a flight takes the flight's organization, any other row its dock's, and
 * what nobody told us yet the default organization (rows of a flight are moved to the
 * flight's organization when its first task event arrives late; see the postgres directory).
 */
export interface KnownOrganizations {
  readonly flights: ReadonlyMap<string, string>;
  readonly docks: ReadonlyMap<string, string>;
}

/** What a task event teaches: this flight, on this dock, belongs to this organization. */
export interface OrganizationFact {
  readonly flightId: string;
  readonly gatewaySn: string;
  readonly organizationId: string;
  /** The task event's time (ms): a dock's newer fact wins. */
  readonly at: number;
}

/** The port to what telemetry knows of organizations (implemented in PostgreSQL). */
export interface OrganizationDirectory {
  /** Records the facts, and moves rows stored before them to the right organization. */
  learn(facts: readonly OrganizationFact[]): Promise<void>;
  /** What is known of these flights and docks. */
  known(flightIds: readonly string[], gatewaySns: readonly string[]): Promise<KnownOrganizations>;
}

export function flightOf(item: TelemetryItem): string | null {
  if (item.kind === 'progress') return item.row.flightId;
  if (item.kind === 'rth') return item.row.flightId;
  return null;
}

export function organizationOf(
  row: { readonly gatewaySn: string; readonly flightId?: string | null },
  known: KnownOrganizations,
): string {
  const byFlight = row.flightId ? known.flights.get(row.flightId) : undefined;
  return byFlight ?? known.docks.get(row.gatewaySn) ?? DEFAULT_ORGANIZATION_ID;
}

/** The last fact per flight of a batch (task events of one flight arrive in order). */
export function latestFacts(facts: readonly OrganizationFact[]): OrganizationFact[] {
  const byFlight = new Map<string, OrganizationFact>();
  for (const fact of facts) byFlight.set(fact.flightId, fact);
  return [...byFlight.values()];
}
