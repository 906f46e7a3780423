import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
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

  /**
   * Liveness: the process answers and has not broken in a way only a restart mends (a
   * consumer that gave up). A dependency outage does not count: restarting would not help.
   */
  @Get('live')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The process is sound.' })
  @ApiServiceUnavailableResponse({
    description: 'Broken in a way only a restart mends; `reasons` says how.',
  })
  live(@Res({ passthrough: true }) response: Response) {
    const broken = this.lifecycle.broken;
    if (broken.length > 0) {
      response.status(503);
      return { status: 'broken', service: this.settings.service, reasons: broken };
    }
    return { status: 'live', service: this.settings.service, phase: this.lifecycle.phase };
  }

  /** Readiness: every real dependency answers and the service is neither draining nor broken. */
  @Get('ready')
  @ApiOkResponse({ description: 'Every dependency answers; `checks` lists them with latencies.' })
  @ApiServiceUnavailableResponse({
    description: 'Draining, broken, or a dependency does not answer (named in `checks`).',
  })
  async ready(@Res({ passthrough: true }) response: Response) {
    const broken = this.lifecycle.broken;
    if (broken.length > 0) {
      response.status(503);
      return { status: 'broken', service: this.settings.service, reasons: broken, checks: [] };
    }
    if (this.lifecycle.phase !== 'running') {
      response.status(503);
      return { status: 'draining', service: this.settings.service, checks: [] };
    }
    const report = await runChecks(
      [...this.checks, ...this.lifecycle.readinessChecks],
      this.settings.readinessTimeoutMs ?? 2_000,
    );
    response.status(report.ready ? 200 : 503);
    return {
      status: report.ready ? 'ready' : 'not ready',
      service: this.settings.service,
      checks: report.checks,
    };
  }
}
