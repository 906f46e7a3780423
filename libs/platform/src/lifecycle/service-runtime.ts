import type { DependencyCheck } from '../health/health-check';

/**
 * The one lifecycle every service has (docs/architecture.md, "How to add a service"). A plain
 * class that the service's module builds with a factory provider; `serviceRuntimeProviders`
 * maps Nest's hooks onto it, so no app writes hooks of its own. Shutdown keeps this order:
 * startService stops HTTP intake and waits for requests in flight, then `drain`, then the HTTP
 * server closes, then `stop`.
 */
export interface ServiceRuntime {
  /**
   * The app and its migrated database are up (onApplicationBootstrap): connect the bus and the
   * producer, start the loops, then the consumers.
   */
  start(): Promise<void>;
  /**
   * Probes over connections only the runtime holds, by name: each binds the definition's
   * LateBoundCheck of that name, or joins readiness beside the definition's checks. Consumer
   * progress (`consumers-<service>`) comes with the service's bus (createServiceBus).
   */
  readinessChecks?(): readonly DependencyCheck[];
  /**
   * Stop intake (consumers, MQTT), let the work in flight finish, flush the outbox and the
   * producer (beforeApplicationShutdown).
   */
  drain(): Promise<void>;
  /** Close what is left: the bus if owned, clients, the database last (onApplicationShutdown). */
  stop(): Promise<void>;
}
