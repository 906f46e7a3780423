export * from './topics';
export * from './records';
export * from './task-states';
export * from './decode-record-value';
export * from './organizations';
export * from './device-records';
export * from './hms-alerts';
export * from './media-records';
