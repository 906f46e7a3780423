/**
 * The one place that says which organization a dock belongs to. Until the registry service
 * (registry.device-events bindings) is merged, every dock is in DEFAULT_ORGANIZATION_ID; the
 * lead wires a registry-backed implementation here.
 */
export interface OrganizationLookup {
  organizationOf(gatewaySn: string): Promise<string>;
}
