import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../tokens';

/** One Prometheus registry per service, with process metrics and the service as a label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** `token` as a service's metrics, made on the platform's registry (the names stay the app's). */
export function metricsProvider<M>(
  token: InjectionToken,
  create: (registry: Registry) => M,
): FactoryProvider<M> {
  return { provide: token, inject: [METRICS_REGISTRY], useFactory: create };
}
