import { Body, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { Logger } from 'pino';
import {
  ApiZodBody,
  BearerController,
  ErrorDto,
  LOGGER,
  refusal,
  RequestOrganization,
} from '@dock/platform';
import type { FlightResources } from '../domain/flights/flight-resources';
import type { FlightBinding } from '../domain/flights/flight-binding';
import { FLIGHT_RESOURCES } from '../file.tokens';
import { badRequest } from './file-errors.filter';
import { bindFlightBodySchema, FlightBindingDto, FlightWaylineDto } from './flight-binding.dto';

const FLIGHT_ID = /^[\w.:-]{1,200}$/;

/**
 * Internal API of the mission service: before flighttask_prepare it binds the flight to its
 * wayline here and gets the URL and fingerprint to send. The binding is what lets this service
 * answer the dock's flighttask_resource_get on its own, even while the mission service is down.
 */
@BearerController({ path: 'flights', tag: 'flights' })
export class FlightsController {
  constructor(
    @Inject(FLIGHT_RESOURCES) private readonly resources: FlightResources,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post(':flightId/wayline')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Bind a flight to its wayline and get the URL and fingerprint for flighttask_prepare',
    description:
      'Idempotent. Rebinding to another wayline is refused (409) once a task event confirmed the flight.',
  })
  @ApiZodBody('BindFlightDto', bindFlightBodySchema)
  @ApiOkResponse({ type: FlightWaylineDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({
    status: 404,
    description: "Unknown wayline (another organization's is unknown too)",
    type: ErrorDto,
  })
  @ApiResponse({ status: 409, description: 'Flight bound to another wayline', type: ErrorDto })
  async bind(
    @Param('flightId') flightId: string,
    @Body() body: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<FlightWaylineDto> {
    if (!FLIGHT_ID.test(flightId)) throw badRequest('flightId must be 1..200 of [A-Za-z0-9_.:-]');
    const parsed = bindFlightBodySchema.safeParse(body);
    if (!parsed.success) {
      throw badRequest('the body must be {"waylineId": "<uuid>", "gatewaySn": "<dock SN>"}');
    }
    const { binding, link } = await this.resources.bind(
      { flightId, organizationId, ...parsed.data },
      new Date(),
    );
    this.logger.info(
      { flightId, waylineId: binding.waylineId, dockSn: binding.gatewaySn },
      'flight bound to wayline',
    );
    return {
      ...bindingDto(binding),
      url: link.url,
      fingerprint: link.fingerprint,
      expiresAt: link.expiresAt.toISOString(),
    };
  }

  @Get(':flightId/wayline')
  @ApiOperation({ summary: 'Which wayline a flight flies, as this service knows it' })
  @ApiOkResponse({ type: FlightBindingDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async get(
    @Param('flightId') flightId: string,
    @RequestOrganization() organizationId: string,
  ): Promise<FlightBindingDto> {
    const binding = await this.resources.find(flightId, organizationId);
    if (!binding) {
      throw refusal(404, 'flight_not_found', `no wayline is known for flight ${flightId}`);
    }
    return bindingDto(binding);
  }
}

function bindingDto(binding: FlightBinding): FlightBindingDto {
  return {
    flightId: binding.flightId,
    waylineId: binding.waylineId,
    gatewaySn: binding.gatewaySn,
    taskState: binding.taskState,
    boundAt: binding.boundAt.toISOString(),
  };
}
