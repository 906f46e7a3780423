export * from './enum-table';
export * from './task-status';
export * from './current-step';
export * from './wayline-mission-state';
export * from './exit-homing';
export * from './waypoints';
export * from './prepare-options';
export * from './result-codes';
