/** Injection tokens of the telemetry module. */
export const TELEMETRY_CONFIG = Symbol('TELEMETRY_CONFIG');
export const TELEMETRY_DATA_SOURCE = Symbol('TELEMETRY_DATA_SOURCE');
export const TELEMETRY_QUERIES = Symbol('TELEMETRY_QUERIES');
export const TELEMETRY_METRICS = Symbol('TELEMETRY_METRICS');
export const LIVE_BROADCASTER = Symbol('LIVE_BROADCASTER');
export const KAFKA_BRIDGE = Symbol('KAFKA_BRIDGE');
export const TELEMETRY_RUNTIME = Symbol('TELEMETRY_RUNTIME');
