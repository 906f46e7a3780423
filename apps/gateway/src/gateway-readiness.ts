import { DependencyCheck, LateBoundCheck } from '@dock/platform';
import type { GatewayConfig } from './gateway.config';

/** The names of the gateway's readiness checks, defined once (the runtime's probes use them). */
export const GATEWAY_CHECK = {
  mqtt: 'mqtt',
  kafka: 'kafka',
  /** The embedded mode's in-process bus in place of Kafka. */
  bus: 'bus',
  redis: 'redis',
} as const;

export interface GatewayReadinessOptions {
  /** What carries the records: Kafka, or the embedded mode's in-process bus. */
  readonly bus: 'kafka' | 'in-process';
  /** Where pending calls live: Redis, or memory (the embedded mode; nothing to check). */
  readonly pendingStore: 'redis' | 'memory';
}

/**
 * The gateway's readiness checks: over its own connections (the subscriber pool, the producer,
 * its Redis client), bound once they exist (the runtime hooks bind them), rather than separate
 * probe connections. Not ready until bound.
 */
export function gatewayReadinessChecks(
  options: GatewayReadinessOptions = { bus: 'kafka', pendingStore: 'redis' },
): DependencyCheck[] {
  return [
    new LateBoundCheck(GATEWAY_CHECK.mqtt),
    new LateBoundCheck(options.bus === 'kafka' ? GATEWAY_CHECK.kafka : GATEWAY_CHECK.bus),
    ...(options.pendingStore === 'redis' ? [new LateBoundCheck(GATEWAY_CHECK.redis)] : []),
  ];
}

/**
 * The gateway's settings on a single-node broker such as the embedded mode's aedes: MQTT 3.1.1,
 * no `$share`, acknowledgement on receipt (holding acknowledgements needs MQTT 5), one subscriber
 * connection. Typed settings, not environment strings.
 */
export function onSingleNodeBroker(config: GatewayConfig): GatewayConfig {
  return {
    ...config,
    MQTT_PROTOCOL_VERSION: 4,
    MQTT_SHARED_SUBSCRIPTIONS: false,
    GATEWAY_ACK_MODE: 'on-receipt',
    GATEWAY_MQTT_CONNECTIONS: 1,
  };
}
