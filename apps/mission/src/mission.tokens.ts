/** Injection tokens of the mission service. */
export const MISSION_CONFIG = Symbol('MISSION_CONFIG');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const MISSION_STORE = Symbol('MISSION_STORE');
export const MISSION_SERVICE = Symbol('MISSION_SERVICE');
export const PLAN_SERVICE = Symbol('PLAN_SERVICE');
export const SCHEDULER = Symbol('SCHEDULER');
export const KAFKA_BRIDGE = Symbol('KAFKA_BRIDGE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const CLOCK = Symbol('CLOCK');
export const WAKEUPS = Symbol('WAKEUPS');
export const DOCK_ORGANIZATIONS = Symbol('DOCK_ORGANIZATIONS');
export const MISSION_RUNTIME = Symbol('MISSION_RUNTIME');
