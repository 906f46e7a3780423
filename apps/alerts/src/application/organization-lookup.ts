/**
 * The one place that says which organization a dock belongs to: the one the registry last bound
 * it to (registry.device-events, binding kind), DEFAULT_ORGANIZATION_ID while none is known
 * (never bound, unbound, or the binding not read yet). HMS alerts and the dock's webhook events
 * take it when they are recorded; a later binding does not move what was recorded before.
 */
export interface OrganizationLookup {
  organizationOf(gatewaySn: string): Promise<string>;
}

/** A dock joined (organizationId) or left (null) an organization at `at` (ms). */
export interface DockBinding {
  readonly gatewaySn: string;
  readonly organizationId: string | null;
  readonly at: number;
}

/** Where the lookup learns: the bindings read from registry.device-events. */
export interface DockBindings {
  /** Idempotent; a binding older than the one recorded for the dock changes nothing. */
  recordBinding(binding: DockBinding): Promise<void>;
}
