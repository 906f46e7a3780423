/** Injection tokens of the gateway service. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');
