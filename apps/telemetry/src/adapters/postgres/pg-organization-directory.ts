import type { DataSource } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type {
  KnownOrganizations,
  OrganizationDirectory,
  OrganizationFact,
} from '../../domain/organizations';
import { latestFacts } from '../../domain/organizations';

type Run = (sql: string, parameters: unknown[]) => Promise<Record<string, unknown>[]>;

/** Tables whose rows belong to a flight: moved when the flight's organization is learned. */
const FLIGHT_TABLES = ['progress_reports', 'flight_latest', 'rth_paths', 'rth_latest'] as const;
/** Tables of dock rows stored before anyone said whose the dock is (default organization). */
const DOCK_TABLES = ['exit_homing_notices', 'ready_notices', 'rth_paths', 'dock_latest'] as const;

/** What is known of these flights and docks (one query each, inside the caller's transaction). */
export async function queryKnown(
  run: Run,
  flightIds: readonly string[],
  gatewaySns: readonly string[],
): Promise<KnownOrganizations> {
  const flights = new Map<string, string>();
  const docks = new Map<string, string>();
  if (flightIds.length > 0) {
    const rows = await run(
      'SELECT flight_id, organization_id FROM flight_organizations WHERE flight_id = ANY($1::text[])',
      [[...new Set(flightIds)]],
    );
    for (const row of rows) flights.set(row.flight_id as string, row.organization_id as string);
  }
  if (gatewaySns.length > 0) {
    const rows = await run(
      'SELECT gateway_sn, organization_id FROM dock_organizations WHERE gateway_sn = ANY($1::text[])',
      [[...new Set(gatewaySns)]],
    );
    for (const row of rows) docks.set(row.gateway_sn as string, row.organization_id as string);
  }
  return { flights, docks };
}

/**
 * flight_organizations and dock_organizations, fed by mission.task-events. A fact that changes
 * nothing writes nothing, so the redelivered and repeated events of a task cost one statement.
 */
export class PgOrganizationDirectory implements OrganizationDirectory {
  constructor(private readonly dataSource: DataSource) {}

  async learn(facts: readonly OrganizationFact[]): Promise<void> {
    for (const fact of latestFacts(facts)) {
      await this.dataSource.transaction(async (manager) => {
        const run: Run = (sql, parameters) => manager.query(sql, parameters);
        const flight = await run(
          `INSERT INTO flight_organizations (flight_id, gateway_sn, organization_id)
           VALUES ($1, $2, $3)
           ON CONFLICT (flight_id) DO UPDATE SET
             organization_id = excluded.organization_id, gateway_sn = excluded.gateway_sn
           WHERE flight_organizations.organization_id IS DISTINCT FROM excluded.organization_id
           RETURNING flight_id`,
          [fact.flightId, fact.gatewaySn, fact.organizationId],
        );
        if (flight.length > 0) {
          // Progress the dock reported before the task event reached us.
          for (const table of FLIGHT_TABLES) {
            await run(
              `UPDATE ${table} SET organization_id = $2
               WHERE flight_id = $1 AND organization_id <> $2`,
              [fact.flightId, fact.organizationId],
            );
          }
        }
        const dock = await run(
          `INSERT INTO dock_organizations (gateway_sn, organization_id, learned_at)
           VALUES ($1, $2, $3)
           ON CONFLICT (gateway_sn) DO UPDATE SET
             organization_id = excluded.organization_id, learned_at = excluded.learned_at
           WHERE dock_organizations.learned_at <= excluded.learned_at
             AND dock_organizations.organization_id IS DISTINCT FROM excluded.organization_id
           RETURNING (xmax = 0) AS inserted`,
          [fact.gatewaySn, fact.organizationId, new Date(fact.at)],
        );
        if (dock.length === 0) return;
        if (dock[0].inserted === true) {
          // First word about this dock: what it reported before was nobody's (the default).
          for (const table of DOCK_TABLES) {
            await run(
              `UPDATE ${table} SET organization_id = $2
               WHERE gateway_sn = $1 AND organization_id = $3${table === 'rth_paths' ? ' AND flight_id IS NULL' : ''}`,
              [fact.gatewaySn, fact.organizationId, DEFAULT_ORGANIZATION_ID],
            );
          }
        } else {
          // The dock moved: its current state goes along, its history stays where it was.
          await run('UPDATE dock_latest SET organization_id = $2 WHERE gateway_sn = $1', [
            fact.gatewaySn,
            fact.organizationId,
          ]);
        }
      });
    }
  }

  known(flightIds: readonly string[], gatewaySns: readonly string[]): Promise<KnownOrganizations> {
    return queryKnown(
      (sql, parameters) => this.dataSource.query(sql, parameters),
      flightIds,
      gatewaySns,
    );
  }
}

/**
 * The live feed's view of the directory: answers from memory for `ttlMs`, so a busy stream asks
 * PostgreSQL about each dock at most once per interval, and a dock that changed organization is
 * shown to its new one within it.
 */
export class CachedOrganizationDirectory {
  private readonly flights = new Map<string, { organizationId: string | null; until: number }>();
  private readonly docks = new Map<string, { organizationId: string | null; until: number }>();

  constructor(
    private readonly directory: Pick<OrganizationDirectory, 'known'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 50_000,
  ) {}

  async known(
    flightIds: readonly string[],
    gatewaySns: readonly string[],
  ): Promise<KnownOrganizations> {
    const now = this.now();
    const missingFlights = flightIds.filter((id) => !((this.flights.get(id)?.until ?? 0) > now));
    const missingDocks = gatewaySns.filter((sn) => !((this.docks.get(sn)?.until ?? 0) > now));
    if (missingFlights.length > 0 || missingDocks.length > 0) {
      const fresh = await this.directory.known(missingFlights, missingDocks);
      const until = now + this.ttlMs;
      if (this.flights.size > this.maxEntries) this.flights.clear();
      if (this.docks.size > this.maxEntries) this.docks.clear();
      for (const id of missingFlights) {
        this.flights.set(id, { organizationId: fresh.flights.get(id) ?? null, until });
      }
      for (const sn of missingDocks) {
        this.docks.set(sn, { organizationId: fresh.docks.get(sn) ?? null, until });
      }
    }
    return {
      flights: pick(this.flights, flightIds),
      docks: pick(this.docks, gatewaySns),
    };
  }
}

function pick(
  cache: Map<string, { organizationId: string | null }>,
  keys: readonly string[],
): Map<string, string> {
  const found = new Map<string, string>();
  for (const key of keys) {
    const organizationId = cache.get(key)?.organizationId;
    if (organizationId) found.set(key, organizationId);
  }
  return found;
}
