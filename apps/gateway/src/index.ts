/**
 * The gateway's public entry point: its module with typed options, its config, and the
 * in-memory pending store (the embedded stand-in for Redis).
 */
export { GatewayModule } from './gateway.module';
export type { GatewayModuleOptions } from './gateway.module';
export { gatewayConfigSchema } from './gateway.config';
export { LateBoundCheck } from './adapters/health/late-bound-check';
export { MemoryPendingStore } from './domain/pending/memory-pending-store';
export type { PendingCommand, PendingRequest } from './domain/pending/pending-entries';
