import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Registry } from 'prom-client';
import { HealthController } from './health/health.controller';
import { RequestInputInterceptor } from './http/request-input.interceptor';
import type { DependencyCheck } from './health/health-check';
import { ServiceLifecycle } from './lifecycle/service-lifecycle';
import { createMetricsRegistry } from './metrics/metrics-registry';
import { MetricsController } from './metrics/metrics.controller';
import type { PlatformSettings } from './platform-settings';
import {
  DEPENDENCY_CHECKS,
  LOGGER,
  METRICS_REGISTRY,
  PLATFORM_SETTINGS,
  SERVICE_LIFECYCLE,
} from './tokens';

/** Health, metrics, logger and lifecycle: the baseline every service shares. */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  constructor(
    @Inject(DEPENDENCY_CHECKS) private readonly checks: DependencyCheck[],
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
  ) {}

  static forRoot(settings: PlatformSettings): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM_SETTINGS, useValue: settings },
        { provide: LOGGER, useValue: settings.logger },
        { provide: DEPENDENCY_CHECKS, useValue: settings.checks },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry(settings.service) },
        { provide: SERVICE_LIFECYCLE, useFactory: () => new ServiceLifecycle() },
        // Every service's routes: no NUL, query parameters given once (request-input.interceptor.ts).
        { provide: APP_INTERCEPTOR, useClass: RequestInputInterceptor },
      ],
      exports: [LOGGER, METRICS_REGISTRY, SERVICE_LIFECYCLE, PLATFORM_SETTINGS],
    };
  }

  /**
   * What a service's module imports: the platform, unless the host app provides it for several
   * services at once (`platform: false`, the embedded mode).
   */
  static forService(settings: PlatformSettings, platform?: boolean): DynamicModule[] {
    return platform === false ? [] : [PlatformModule.forRoot(settings)];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.checks.map((check) =>
        'close' in check && typeof check.close === 'function' ? check.close() : undefined,
      ),
    );
    this.registry.clear();
  }
}
