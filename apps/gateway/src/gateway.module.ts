import { DynamicModule, Module } from '@nestjs/common';
import type { Registry } from 'prom-client';
import {
  DependencyCheck,
  Logger,
  LOGGER,
  METRICS_REGISTRY,
  PlatformModule,
  SERVICE_LIFECYCLE,
  ServiceLifecycle,
  serviceRuntimeProviders,
} from '@dock/platform';
import { GatewayConfig } from './gateway.config';
import { createGatewayParts, GatewayParts, GatewayPartsOptions } from './gateway-parts';
import { GatewayRuntime } from './gateway-runtime';
import { GATEWAY_CONFIG, GATEWAY_PARTS, GATEWAY_RUNTIME } from './gateway.tokens';

/** What the embedded mode (apps/standalone) and tests change without the environment. */
export interface GatewayModuleOptions extends Pick<GatewayPartsOptions, 'bus' | 'pendingStores'> {
  /**
   * false: the host app provides PlatformModule (health, metrics, logger) for several
   * services at once, as the embedded mode does. Default true.
   */
  platform?: boolean;
}

/**
 * The gateway service: terminates dock MQTT and bridges it to Kafka. One factory provider
 * builds its parts (createGatewayParts, which tests and the bench call without Nest); its
 * runtime runs their lifecycle, and its readiness probes bind the definition's late-bound
 * checks (`checks`).
 */
@Module({})
export class GatewayModule {
  static register(
    config: GatewayConfig,
    logger: Logger,
    checks: DependencyCheck[],
    options: GatewayModuleOptions = {},
  ): DynamicModule {
    return {
      module: GatewayModule,
      imports: PlatformModule.forService({ service: 'gateway', logger, checks }, options.platform),
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        {
          provide: GATEWAY_PARTS,
          inject: [LOGGER, METRICS_REGISTRY, SERVICE_LIFECYCLE],
          useFactory: (log: Logger, registry: Registry, lifecycle: ServiceLifecycle) =>
            createGatewayParts({
              config,
              // Hosted with other services: keep the gateway's own service name in its logs.
              logger: options.platform === false ? logger : log,
              registry,
              lifecycle,
              bus: options.bus,
              pendingStores: options.pendingStores,
            }),
        },
        ...serviceRuntimeProviders(
          GATEWAY_RUNTIME,
          { parts: GATEWAY_PARTS },
          ({ parts }: { parts: GatewayParts }) => new GatewayRuntime(parts),
        ),
      ],
    };
  }
}
