import type { DataSource } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type {
  DockBinding,
  DockBindings,
  OrganizationLookup,
} from '../../application/organization-lookup';

/**
 * The docks' organizations in PostgreSQL (dock_organizations), learned from the registry's
 * binding events and read for every HMS alert and dock webhook event. Reads are cached for
 * `ttlMs` (a progress report a second per flying dock would otherwise be a query each); a
 * binding recorded here updates this replica's cache at once, the other replicas within ttlMs.
 */
export class PgDockOrganizations implements OrganizationLookup, DockBindings {
  private readonly cache = new Map<string, { organizationId: string; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 50_000,
  ) {}

  async organizationOf(gatewaySn: string): Promise<string> {
    const now = this.now();
    const cached = this.cache.get(gatewaySn);
    if (cached && cached.until > now) return cached.organizationId;
    const rows = (await this.dataSource.query(
      'SELECT organization_id FROM dock_organizations WHERE gateway_sn = $1',
      [gatewaySn],
    )) as { organization_id: string | null }[];
    const organizationId = rows[0]?.organization_id ?? DEFAULT_ORGANIZATION_ID;
    this.remember(gatewaySn, organizationId, now);
    return organizationId;
  }

  async recordBinding(binding: DockBinding): Promise<void> {
    // Records of one dock arrive in order; the changed_at guard keeps a redelivered older
    // binding (a replayed batch) from undoing a newer one.
    const rows = (await this.dataSource.query(
      `INSERT INTO dock_organizations (gateway_sn, organization_id, changed_at)
       VALUES ($1, $2, $3)
       ON CONFLICT (gateway_sn) DO UPDATE
         SET organization_id = EXCLUDED.organization_id, changed_at = EXCLUDED.changed_at
         WHERE dock_organizations.changed_at <= EXCLUDED.changed_at
       RETURNING organization_id`,
      [binding.gatewaySn, binding.organizationId, binding.at],
    )) as unknown[];
    if (rows.length > 0) {
      this.remember(
        binding.gatewaySn,
        binding.organizationId ?? DEFAULT_ORGANIZATION_ID,
        this.now(),
      );
    }
  }

  private remember(gatewaySn: string, organizationId: string, now: number): void {
    if (this.cache.size >= this.maxEntries) this.cache.clear();
    this.cache.set(gatewaySn, { organizationId, until: now + this.ttlMs });
  }
}
