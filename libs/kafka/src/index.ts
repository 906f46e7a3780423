export * from './kafka-client';
export * from './record-codec';
export * from './batching-producer';
export * from './topic-admin';
export * from './consumer-runner';
export * from './message-bus';
export * from './kafka-bus';
export { InProcessBus, partitionFor } from './in-process/in-process-bus';
export type { InProcessBusOptions } from './in-process/in-process-bus';
