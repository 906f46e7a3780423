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
import { GatewayRuntime, GatewayRuntimeOptions } from './gateway-runtime';
import { GATEWAY_CONFIG, GATEWAY_RUNTIME } from './gateway.tokens';

/** What the embedded mode (apps/standalone) and tests change without the environment. */
export interface GatewayModuleOptions extends Pick<GatewayRuntimeOptions, 'bus' | 'pendingStores'> {
  /**
   * false: the host app provides PlatformModule (health, metrics, logger) for several
   * services at once, as the embedded mode does. Default true.
   */
  platform?: boolean;
}

/**
 * The gateway service: terminates dock MQTT and bridges it to Kafka. Its runtime builds the
 * connections; its readiness probes bind the definition's late-bound checks (`checks`).
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
        ...serviceRuntimeProviders(
          GATEWAY_RUNTIME,
          { log: LOGGER, registry: METRICS_REGISTRY, lifecycle: SERVICE_LIFECYCLE },
          (platform: { log: Logger; registry: Registry; lifecycle: ServiceLifecycle }) =>
            new GatewayRuntime({
              config,
              // Hosted with other services: keep the gateway's own service name in its logs.
              logger: options.platform === false ? logger : platform.log,
              registry: platform.registry,
              lifecycle: platform.lifecycle,
              bus: options.bus,
              pendingStores: options.pendingStores,
            }),
        ),
      ],
    };
  }
}
