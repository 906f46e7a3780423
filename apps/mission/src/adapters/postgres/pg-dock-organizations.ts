import type { DataSource } from 'typeorm';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type { DockBinding, DockOrganizations } from '../../application/ports';

/**
 * A dock's organization as SQL, over `dock_organizations d` LEFT JOINed on the dock's SN: the
 * one the registry last bound it to; null once unbound; DEFAULT_ORGANIZATION_ID when no binding
 * was seen (the docks of a deployment before organizations). The one statement of that rule,
 * for organizationOf and for queries that need it per row (plans whose dock moved).
 */
export const DOCK_ORGANIZATION_SQL = `CASE WHEN d.gateway_sn IS NULL THEN '${DEFAULT_ORGANIZATION_ID}' ELSE d.organization_id END`;

/**
 * The docks' organizations in PostgreSQL (dock_organizations), learned from the registry's
 * binding events. Read, uncached, when an operator creates a task, a plan or a dock command:
 * every replica sees a binding as soon as one of them recorded it.
 */
export class PgDockOrganizations implements DockOrganizations {
  constructor(private readonly dataSource: DataSource) {}

  async organizationOf(gatewaySn: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${DOCK_ORGANIZATION_SQL} AS organization_id
       FROM (VALUES ($1::text)) AS dock (gateway_sn)
       LEFT JOIN dock_organizations d ON d.gateway_sn = dock.gateway_sn`,
      [gatewaySn],
    )) as { organization_id: string | null }[];
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
