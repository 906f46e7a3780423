import { Controller, Get, Header, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { parseLimit, RequestOrganization } from '@dock/platform';
import type { TelemetryQueries } from '../../domain/read-model';
import {
  trajectoryCollection,
  TrajectoryCollection,
  TrajectoryFeature,
} from '../../domain/rth-geojson';
import { flightView, FlightView, progressView, ProgressView } from '../../domain/views';
import { TELEMETRY_QUERIES } from '../../telemetry.tokens';
import { ApiCursorQuery, timeCursorPage } from './cursor-query';
import { GEOJSON, GeoJsonTrajectoryRoute, trajectoryOr404 } from './geojson-trajectory';
import {
  ERROR_SCHEMA,
  FLIGHT_SCHEMA,
  TIMELINE_SCHEMA,
  TRAJECTORY_COLLECTION_SCHEMA,
} from './openapi-schemas';
import { flightId as parseFlightId, required } from './request-params';

const TIMELINE_PAGE = { max: 1000, fallback: 200 };

@ApiTags('flights')
@ApiUnauthorizedResponse({ description: 'missing or unknown bearer token', schema: ERROR_SCHEMA })
@ApiParam({ name: 'flightId', description: 'the flight (task) id, as in flighttask_prepare' })
@Controller('flights')
export class FlightsController {
  constructor(@Inject(TELEMETRY_QUERIES) private readonly queries: TelemetryQueries) {}

  @Get(':flightId')
  @ApiOperation({ summary: 'Latest state of a flight (its newest progress report)' })
  @ApiOkResponse({ schema: FLIGHT_SCHEMA })
  @ApiNotFoundResponse({ description: 'no progress stored for this flight', schema: ERROR_SCHEMA })
  async flight(
    @Param('flightId') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<FlightView> {
    const state = await this.queries.flightState(organizationId, parseFlightId(id));
    if (!state) throw new NotFoundException(`no progress stored for flight ${id}`);
    return flightView(state);
  }

  @Get(':flightId/progress')
  @ApiOperation({
    summary: 'Progress timeline of a flight',
    description: "Every report, in the dock's time order, paged with the `next` cursor.",
  })
  @ApiCursorQuery(TIMELINE_PAGE)
  @ApiOkResponse({ schema: TIMELINE_SCHEMA })
  @ApiBadRequestResponse({ schema: ERROR_SCHEMA })
  async timeline(
    @Param('flightId') id: string,
    @RequestOrganization() organizationId: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<{ flightId: string; items: ProgressView[]; next: string | null }> {
    const flight = parseFlightId(id);
    const paging = timeCursorPage(limit, after, TIMELINE_PAGE);
    const page = await this.queries.progressTimeline(
      organizationId,
      flight,
      paging.limit,
      paging.after,
    );
    return { flightId: flight, items: page.items.map(progressView), next: page.next };
  }

  @Get(':flightId/rth-trajectory')
  @GeoJsonTrajectoryRoute('no planned path stored for this flight')
  @ApiOperation({
    summary: "The flight's latest planned return-to-home path, as GeoJSON",
    description:
      'A Feature with a LineString of [longitude, latitude, height] and `lastPointType` in its ' +
      'properties; `connectsToReturnPoint` says whether to draw the last point down to the dock.',
  })
  async trajectory(
    @Param('flightId') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<TrajectoryFeature> {
    return trajectoryOr404(
      await this.queries.latestTrajectory(organizationId, parseFlightId(id)),
      `no return-to-home path stored for flight ${id}`,
    );
  }

  @Get(':flightId/rth-trajectories')
  @Header('Content-Type', GEOJSON)
  @ApiProduces(GEOJSON)
  @ApiOperation({
    summary: 'History of the planned return paths of a flight (each push is a complete path)',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    description: 'newest pushes to return, 1..1000, default 100',
  })
  @ApiOkResponse({ schema: TRAJECTORY_COLLECTION_SCHEMA })
  async trajectories(
    @Param('flightId') id: string,
    @RequestOrganization() organizationId: string,
    @Query('limit') limit?: string,
  ): Promise<TrajectoryCollection> {
    const rows = await this.queries.trajectoryHistory(
      organizationId,
      parseFlightId(id),
      required(parseLimit(limit, 100, 1000)),
    );
    return trajectoryCollection(rows);
  }
}
