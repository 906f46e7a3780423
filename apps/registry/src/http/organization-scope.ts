import type { ApiPrincipal } from '@dock/platform';
import { unknownOrganization } from '../application/organization-service';

/**
 * The organization a caller is confined to: an organization's token, its own; an admin token
 * (or AUTH_DISABLED), none (undefined: every organization).
 */
export function organizationScope(caller: ApiPrincipal): string | undefined {
  return caller.role === 'organization' ? caller.organizationId : undefined;
}

/**
 * `organizationId` when the caller may act in it. Another organization is unknown to an
 * organization's token: answered exactly as an id nobody has (404 organization_not_found).
 */
export function ownOrganization(caller: ApiPrincipal, organizationId: string): string {
  const scope = organizationScope(caller);
  if (scope !== undefined && scope !== organizationId) throw unknownOrganization(organizationId);
  return organizationId;
}
