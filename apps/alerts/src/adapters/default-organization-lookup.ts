import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import type { OrganizationLookup } from '../application/organization-lookup';

/** Every dock in the default organization (before the registry's device bindings exist). */
export class DefaultOrganizationLookup implements OrganizationLookup {
  organizationOf(): Promise<string> {
    return Promise.resolve(DEFAULT_ORGANIZATION_ID);
  }
}
