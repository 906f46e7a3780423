import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { parseInstant, parseLimit, RequestOrganization } from '@dock/platform';
import type { TelemetryQueries } from '../../domain/read-model';
import type { TrajectoryFeature } from '../../domain/rth-geojson';
import { dockView, DockView, exitHomingView, ExitHomingView } from '../../domain/views';
import { TELEMETRY_QUERIES } from '../../telemetry.tokens';
import { ApiCursorQuery, timeCursorPage } from './cursor-query';
import { GeoJsonTrajectoryRoute, trajectoryOr404 } from './geojson-trajectory';
import {
  DOCK_SCHEMA,
  ERROR_SCHEMA,
  EXIT_HOMING_PAGE_SCHEMA,
  FLEET_SCHEMA,
} from './openapi-schemas';
import { dockSn, required } from './request-params';

const FLEET_PAGE = { max: 500, fallback: 100 };
const EXIT_HOMING_PAGE = { max: 1000, fallback: 200 };

@ApiTags('docks')
@ApiUnauthorizedResponse({ description: 'missing or unknown bearer token', schema: ERROR_SCHEMA })
@Controller('docks')
export class DocksController {
  constructor(@Inject(TELEMETRY_QUERIES) private readonly queries: TelemetryQueries) {}

  @Get()
  @ApiOperation({
    summary: 'Latest state of every dock in the fleet, ordered by SN, paged',
    description: 'Newest progress of any flight, dock and aircraft online state (update_topo).',
  })
  @ApiCursorQuery(FLEET_PAGE)
  @ApiQuery({ name: 'snPrefix', required: false, description: 'only docks whose SN starts so' })
  @ApiOkResponse({ schema: FLEET_SCHEMA })
  @ApiBadRequestResponse({ schema: ERROR_SCHEMA })
  async fleet(
    @RequestOrganization() organizationId: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
    @Query('snPrefix') snPrefix?: string,
  ): Promise<{ items: DockView[]; next: string | null }> {
    const page = await this.queries.fleetState(
      organizationId,
      required(parseLimit(limit, FLEET_PAGE.fallback, FLEET_PAGE.max)),
      after ? dockSn(after, 'after') : null,
      snPrefix ? snPrefix.slice(0, 64) : null,
    );
    return { items: page.items.map(dockView), next: page.next };
  }

  @Get(':sn')
  @ApiParam({ name: 'sn', description: "the dock's (gateway) serial number" })
  @ApiOperation({ summary: 'Latest state of one dock' })
  @ApiOkResponse({ schema: DOCK_SCHEMA })
  @ApiNotFoundResponse({ description: 'nothing stored for this dock', schema: ERROR_SCHEMA })
  async dock(
    @Param('sn') sn: string,
    @RequestOrganization() organizationId: string,
  ): Promise<DockView> {
    const state = await this.queries.dockState(organizationId, dockSn(sn));
    if (!state) throw new NotFoundException(`nothing stored for dock ${sn}`);
    return dockView(state);
  }

  @Get(':sn/rth-trajectory')
  @GeoJsonTrajectoryRoute('no planned path stored for this dock')
  @ApiParam({ name: 'sn', description: "the dock's (gateway) serial number" })
  @ApiOperation({ summary: "The dock's latest planned return-to-home path, whatever the flight" })
  async trajectory(
    @Param('sn') sn: string,
    @RequestOrganization() organizationId: string,
  ): Promise<TrajectoryFeature> {
    return trajectoryOr404(
      await this.queries.latestDockTrajectory(organizationId, dockSn(sn)),
      `no return-to-home path stored for dock ${sn}`,
    );
  }

  @Get(':sn/exit-homing-notices')
  @ApiParam({ name: 'sn', description: "the dock's (gateway) serial number" })
  @ApiOperation({
    summary: 'Exit-RTH notices (device_exit_homing_notify) of a dock in a time range',
    description: "Oldest first by the dock's timestamp, with action and reason labels.",
  })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 or epoch ms, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 or epoch ms, exclusive' })
  @ApiCursorQuery(EXIT_HOMING_PAGE)
  @ApiOkResponse({ schema: EXIT_HOMING_PAGE_SCHEMA })
  @ApiBadRequestResponse({ schema: ERROR_SCHEMA })
  async exitHoming(
    @Param('sn') sn: string,
    @RequestOrganization() organizationId: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<{ gatewaySn: string; items: ExitHomingView[]; next: string | null }> {
    const gatewaySn = dockSn(sn);
    const window = {
      from: required(parseInstant('from', from)),
      to: required(parseInstant('to', to)),
    };
    const paging = timeCursorPage(limit, after, EXIT_HOMING_PAGE);
    const page = await this.queries.exitHomingNotices(
      organizationId,
      gatewaySn,
      window,
      paging.limit,
      paging.after,
    );
    return { gatewaySn, items: page.items.map(exitHomingView), next: page.next };
  }
}
