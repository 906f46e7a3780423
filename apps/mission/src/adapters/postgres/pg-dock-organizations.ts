import type { DataSource } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type { DockBinding, DockOrganizations } from '../../application/ports';

/**
 * The docks' organizations in PostgreSQL (dock_organizations), learned from the registry's
 * binding events. Read, uncached, when an operator creates a task, a plan or a dock command:
 * every replica sees a binding as soon as one of them recorded it.
 */
export class PgDockOrganizations implements DockOrganizations {
  constructor(private readonly dataSource: DataSource) {}

  async organizationOf(gatewaySn: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      'SELECT organization_id FROM dock_organizations WHERE gateway_sn = $1',
      [gatewaySn],
    )) as { organization_id: string | null }[];
    if (rows.length === 0) return DEFAULT_ORGANIZATION_ID;
    return rows[0]?.organization_id ?? null;
  }

  async recordBinding(binding: DockBinding): Promise<void> {
    // Records of one dock arrive in order; the changed_at guard keeps a redelivered older
    // binding (a replayed batch) from undoing a newer one.
    await this.dataSource.query(
      `INSERT INTO dock_organizations (gateway_sn, organization_id, changed_at)
       VALUES ($1, $2, $3)
       ON CONFLICT (gateway_sn) DO UPDATE
         SET organization_id = EXCLUDED.organization_id, changed_at = EXCLUDED.changed_at
         WHERE dock_organizations.changed_at <= EXCLUDED.changed_at`,
      [binding.gatewaySn, binding.organizationId, binding.at],
    );
  }
}
