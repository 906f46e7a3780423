import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { runChecks } from './health-check';
import type { DependencyCheck } from './health-check';
import { DEPENDENCY_CHECKS, PLATFORM_SETTINGS, SERVICE_LIFECYCLE } from '../tokens';
import { ServiceLifecycle } from '../lifecycle/service-lifecycle';
import type { PlatformSettings } from '../platform-settings';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(DEPENDENCY_CHECKS) private readonly checks: DependencyCheck[],
    @Inject(SERVICE_LIFECYCLE) private readonly lifecycle: ServiceLifecycle,
    @Inject(PLATFORM_SETTINGS) private readonly settings: PlatformSettings,
  ) {}

  /** Liveness: the process answers. Restarting it would not help a dependency outage. */
  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'live', service: this.settings.service, phase: this.lifecycle.phase };
  }

  /** Readiness: every real dependency answers and the service is not draining. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    if (this.lifecycle.phase !== 'running') {
      response.status(503);
      return { status: 'draining', service: this.settings.service, checks: [] };
    }
    const report = await runChecks(this.checks, this.settings.readinessTimeoutMs ?? 2_000);
    response.status(report.ready ? 200 : 503);
    return {
      status: report.ready ? 'ready' : 'not ready',
      service: this.settings.service,
      checks: report.checks,
    };
  }
}
