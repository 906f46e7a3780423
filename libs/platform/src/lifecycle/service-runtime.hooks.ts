import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import type { InjectionToken } from '@nestjs/common';
import { LateBoundCheck } from '../health/late-bound-check';
import type { PlatformSettings } from '../platform-settings';
import { PLATFORM_SETTINGS, SERVICE_LIFECYCLE, SERVICE_RUNTIME } from '../tokens';
import type { ServiceLifecycle } from './service-lifecycle';
import type { ServiceRuntime } from './service-runtime';

/**
 * The one Nest adapter of a ServiceRuntime: onApplicationBootstrap → start,
 * beforeApplicationShutdown → drain, onApplicationShutdown → stop. Each service module gets
 * its own (the runtime token is module-scoped), so the embedded mode hosts several.
 */
@Injectable()
export class ServiceRuntimeHooks
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(SERVICE_LIFECYCLE) lifecycle: ServiceLifecycle,
    @Inject(PLATFORM_SETTINGS) settings: PlatformSettings,
  ) {
    for (const probe of runtime.readinessChecks?.() ?? []) {
      const placeholder = settings.checks.find(
        (check): check is LateBoundCheck =>
          check instanceof LateBoundCheck && check.name === probe.name,
      );
      if (placeholder) placeholder.bind(probe);
      else lifecycle.addReadinessCheck(probe);
    }
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runtime.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.runtime.drain();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runtime.stop();
  }
}

/**
 * The providers of a service's runtime: `token` made by `create` from the module's providers
 * named in `parts` (each key gets the provider of its token), and the hooks that start, drain
 * and stop it.
 */
export function serviceRuntimeProviders<P>(
  token: InjectionToken,
  parts: { readonly [K in keyof P]: InjectionToken },
  create: (parts: P) => ServiceRuntime,
): Provider[] {
  const keys = Object.keys(parts) as (keyof P)[];
  return [
    {
      provide: token,
      inject: keys.map((key) => parts[key]),
      useFactory: (...values: unknown[]) =>
        create(Object.fromEntries(keys.map((key, index) => [key, values[index]])) as P),
    },
    { provide: SERVICE_RUNTIME, useExisting: token },
    ServiceRuntimeHooks,
  ];
}
