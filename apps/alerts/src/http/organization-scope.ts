import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';

/**
 * The organization a request acts for. Until the request scope (X-Organization-Id, checked
 * against the caller's token) is merged, every caller acts for the default organization; this
 * is the one function to change then. An unchecked header is NOT read: it would let any
 * caller reach another organization's alerts and webhooks.
 */
export function requestOrganization(): string {
  return DEFAULT_ORGANIZATION_ID;
}
