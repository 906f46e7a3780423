import type { Logger } from 'pino';
import type { DependencyCheck } from './health/health-check';

export interface PlatformSettings {
  service: string;
  logger: Logger;
  /** The real dependencies readiness reflects; closed at shutdown when they hold connections. */
  checks: DependencyCheck[];
  readinessTimeoutMs?: number;
}
