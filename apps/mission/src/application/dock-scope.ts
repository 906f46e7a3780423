import { NotFoundError } from './errors';
import type { DockOrganizations } from './ports';

/**
 * Refuses (404, as an unknown dock) a dock that is not bound to `organizationId`: no task,
 * plan or command of one organization ever reaches another organization's dock.
 */
export async function requireOwnDock(
  docks: DockOrganizations,
  gatewaySn: string,
  organizationId: string,
): Promise<void> {
  if ((await docks.organizationOf(gatewaySn)) !== organizationId) {
    throw new NotFoundError(`no dock ${gatewaySn} in this organization`);
  }
}
