/**
 * The gateway's public entry point: its module with typed options, its config, and the
 * in-memory pending store (the embedded stand-in for Redis).
 */
export { GatewayModule } from './gateway.module';
export type { GatewayModuleOptions } from './gateway.module';
export { gatewayConfigSchema } from './gateway.config';
export { GATEWAY_CHECK, gatewayReadinessChecks, onSingleNodeBroker } from './gateway-readiness';
export type { GatewayReadinessOptions } from './gateway-readiness';
export { MemoryPendingStore } from './domain/pending/memory-pending-store';
export type { PendingCommand, PendingRequest } from './domain/pending/pending-entries';
