/** Injection tokens of the registry service. */
export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');
export const REGISTRY_METRICS = Symbol('REGISTRY_METRICS');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const REGISTRY_STORE = Symbol('REGISTRY_STORE');
export const ORGANIZATION_SERVICE = Symbol('ORGANIZATION_SERVICE');
export const BINDING_SERVICE = Symbol('BINDING_SERVICE');
export const KAFKA_BRIDGE = Symbol('KAFKA_BRIDGE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const OUTBOX_WAKEUP = Symbol('OUTBOX_WAKEUP');
export const REGISTRY_RUNTIME = Symbol('REGISTRY_RUNTIME');
export const PILOT_BOOTSTRAP = Symbol('PILOT_BOOTSTRAP');
export const MQTT_CREDENTIAL_SERVICE = Symbol('MQTT_CREDENTIAL_SERVICE');
export const MQTT_ACCESS_SERVICE = Symbol('MQTT_ACCESS_SERVICE');
