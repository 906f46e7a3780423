import { Delete, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { ApiPrincipal, BearerController, ErrorDto, LOGGER, RequestPrincipal } from '@dock/platform';
import type { OrganizationService } from '../application/organization-service';
import { ORGANIZATION_SERVICE } from '../registry.tokens';
import { badRequest } from './registry-errors.filter';
import { organizationScope } from './organization-scope';
import { DeviceDto, deviceDto } from './registry.dto';

const SN = /^[A-Za-z0-9_.:-]{1,64}$/;

function snParam(sn: string): string {
  if (!SN.test(sn)) throw badRequest('sn must be 1..64 of [A-Za-z0-9_.:-]');
  return sn;
}

/**
 * One device (dock or aircraft) by SN, and its unbinding. An organization's token sees and
 * unbinds its organization's devices only (any other SN answers 404); an admin token any.
 */
@BearerController({ path: 'devices', tag: 'devices' })
export class DevicesController {
  constructor(
    @Inject(ORGANIZATION_SERVICE) private readonly organizations: OrganizationService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':sn')
  @ApiOperation({ summary: 'A device: presence, last-seen, model, firmware, callsign, binding' })
  @ApiOkResponse({ type: DeviceDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async get(@Param('sn') sn: string, @RequestPrincipal() caller: ApiPrincipal): Promise<DeviceDto> {
    return deviceDto(await this.organizations.device(snParam(sn), organizationScope(caller)));
  }

  @Delete(':sn/binding')
  @ApiOperation({
    summary: 'Unbind a device from its organization',
    description: 'Idempotent: a device that is not bound is answered as it is.',
  })
  @ApiOkResponse({ type: DeviceDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async unbind(
    @Param('sn') sn: string,
    @RequestPrincipal() caller: ApiPrincipal,
  ): Promise<DeviceDto> {
    const device = await this.organizations.unbind(snParam(sn), organizationScope(caller));
    this.logger.info({ sn: device.sn }, 'device unbound');
    return deviceDto(device);
  }
}
