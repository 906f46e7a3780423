/** Injection tokens of the alerts service. */
export const ALERTS_CONFIG = Symbol('ALERTS_CONFIG');
export const ALERTS_METRICS = Symbol('ALERTS_METRICS');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const HMS_STORE = Symbol('HMS_STORE');
export const HMS_SERVICE = Symbol('HMS_SERVICE');
export const WEBHOOK_STORE = Symbol('WEBHOOK_STORE');
export const ORGANIZATION_LOOKUP = Symbol('ORGANIZATION_LOOKUP');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const KAFKA_BRIDGE = Symbol('KAFKA_BRIDGE');
export const DISPATCHER = Symbol('DISPATCHER');
export const WAKEUPS = Symbol('WAKEUPS');
export const WEBHOOK_POLICY = Symbol('WEBHOOK_POLICY');
export const ALERTS_RUNTIME = Symbol('ALERTS_RUNTIME');
