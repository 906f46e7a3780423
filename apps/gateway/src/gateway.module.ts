import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import {
  DependencyCheck,
  Logger,
  LOGGER,
  METRICS_REGISTRY,
  PlatformModule,
  SERVICE_LIFECYCLE,
  ServiceLifecycle,
} from '@dock/platform';
import { bindChecks } from './adapters/health/late-bound-check';
import { GatewayConfig } from './gateway.config';
import { GatewayRuntime, GatewayRuntimeOptions } from './gateway-runtime';

export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');

/** Starts the gateway once the app is up and stops it in order at shutdown. */
export class GatewayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(GATEWAY_RUNTIME) private readonly runtime: GatewayRuntime) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runtime.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.stop();
  }
}

/** What the embedded mode (apps/standalone) and tests change without the environment. */
export interface GatewayModuleOptions extends Pick<GatewayRuntimeOptions, 'bus' | 'pendingStores'> {
  /**
   * false: the host app provides PlatformModule (health, metrics, logger) for several
   * services at once, as the embedded mode does. Default true.
   */
  platform?: boolean;
}

/** The gateway service: terminates dock MQTT and bridges it to Kafka. */
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
      imports:
        options.platform === false
          ? []
          : [PlatformModule.forRoot({ service: 'gateway', logger, checks })],
      providers: [
        { provide: 'GATEWAY_CONFIG', useValue: config },
        {
          provide: GATEWAY_RUNTIME,
          inject: [LOGGER, METRICS_REGISTRY, SERVICE_LIFECYCLE],
          useFactory: (log: Logger, registry: Registry, lifecycle: ServiceLifecycle) => {
            const runtime = new GatewayRuntime({
              config,
              // Hosted with other services: keep the gateway's own service name in its logs.
              logger: options.platform === false ? logger : log,
              registry,
              work: lifecycle.work,
              bus: options.bus,
              pendingStores: options.pendingStores,
              onConsumerGaveUp: lifecycle.consumerGaveUp,
            });
            bindChecks(checks, runtime.checks());
            lifecycle.addReadinessCheck({
              name: 'consumers-gateway',
              check: () => runtime.checkConsumers(),
            });
            return runtime;
          },
        },
        GatewayLifecycle,
      ],
    };
  }
}
