/** Injection tokens of the gateway service. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
/** What createGatewayParts built: the adapters and domain services the runtime runs. */
export const GATEWAY_PARTS = Symbol('GATEWAY_PARTS');
export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');
