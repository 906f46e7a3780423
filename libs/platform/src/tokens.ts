/** Injection tokens of the platform module. */
export const LOGGER = Symbol('LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const SERVICE_LIFECYCLE = Symbol('SERVICE_LIFECYCLE');
export const DEPENDENCY_CHECKS = Symbol('DEPENDENCY_CHECKS');
export const PLATFORM_SETTINGS = Symbol('PLATFORM_SETTINGS');
/** The service module's runtime (module-scoped: one per service module). */
export const SERVICE_RUNTIME = Symbol('SERVICE_RUNTIME');
