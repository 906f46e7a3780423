import { Body, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
} from '@nestjs/swagger';
import type { Logger } from 'pino';
import {
  AdminOnly,
  ApiPrincipal,
  ApiZodBody,
  BearerController,
  ErrorDto,
  LOGGER,
  RequestPrincipal,
} from '@dock/platform';
import type { OrganizationService } from '../application/organization-service';
import { validOrganizationName } from '../domain/organization';
import { ORGANIZATION_SERVICE } from '../registry.tokens';
import { ownOrganization } from './organization-scope';
import { badRequest, parseBody } from './registry-errors.filter';
import { uuidParam } from './uuid-param';
import {
  BindingCodeDto,
  bindingCodeDto,
  DeviceDto,
  deviceDto,
  expireCodeBodySchema,
  issueCodeBodySchema,
  IssuedBindingCodeDto,
  organizationBodySchema,
  OrganizationDto,
  organizationDto,
} from './registry.dto';

function nameOf(body: unknown): string {
  const { name } = parseBody(organizationBodySchema, body, '{"name": "<1..100 characters>"}');
  const valid = validOrganizationName(name);
  if (!valid) throw badRequest('name must be 1..100 characters without control characters');
  return valid;
}

/**
 * Organizations (DJI workspaces), their binding codes and their devices. Creating, listing,
 * renaming and deleting organizations takes an admin token (@AdminOnly, ADMIN_API_TOKENS); an
 * organization's token reads its own organization, its codes and devices, and gets 404 for any
 * other organization id.
 */
@BearerController({ path: 'organizations', tag: 'organizations' })
export class OrganizationsController {
  constructor(
    @Inject(ORGANIZATION_SERVICE) private readonly organizations: OrganizationService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @AdminOnly()
  @ApiOperation({ summary: 'Create an organization' })
  @ApiZodBody('OrganizationBodyDto', organizationBodySchema)
  @ApiCreatedResponse({ type: OrganizationDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  async create(@Body() body: unknown): Promise<OrganizationDto> {
    const organization = await this.organizations.create(nameOf(body));
    this.logger.info({ organizationId: organization.id }, 'organization created');
    return organizationDto(organization);
  }

  @Get()
  @AdminOnly()
  @ApiOperation({ summary: 'List organizations' })
  @ApiOkResponse({ type: OrganizationDto, isArray: true })
  async list(): Promise<OrganizationDto[]> {
    return (await this.organizations.list()).map(organizationDto);
  }

  @Get(':organizationId')
  @ApiOperation({ summary: 'Get an organization' })
  @ApiOkResponse({ type: OrganizationDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async get(
    @Param('organizationId') id: string,
    @RequestPrincipal() caller: ApiPrincipal,
  ): Promise<OrganizationDto> {
    return organizationDto(
      await this.organizations.get(ownOrganization(caller, uuidParam('organizationId', id))),
    );
  }

  @Patch(':organizationId')
  @AdminOnly()
  @ApiOperation({ summary: 'Rename an organization' })
  @ApiZodBody('OrganizationBodyDto', organizationBodySchema)
  @ApiOkResponse({ type: OrganizationDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async rename(
    @Param('organizationId') id: string,
    @Body() body: unknown,
  ): Promise<OrganizationDto> {
    const organizationId = uuidParam('organizationId', id);
    return organizationDto(await this.organizations.rename(organizationId, nameOf(body)));
  }

  @Delete(':organizationId')
  @AdminOnly()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an organization and its binding codes',
    description: 'Refused (409) while devices are bound to it: unbind them first.',
  })
  @ApiNoContentResponse()
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, description: 'Devices are still bound to it', type: ErrorDto })
  async delete(@Param('organizationId') id: string): Promise<void> {
    const organizationId = uuidParam('organizationId', id);
    await this.organizations.delete(organizationId);
    this.logger.info({ organizationId }, 'organization deleted');
  }

  @Post(':organizationId/binding-codes')
  @ApiOperation({
    summary: 'Issue a device binding code',
    description: 'The answer is the only place the code appears: the service keeps its hash.',
  })
  @ApiZodBody('IssueCodeBodyDto', issueCodeBodySchema, { required: false })
  @ApiCreatedResponse({ type: IssuedBindingCodeDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async issueCode(
    @Param('organizationId') id: string,
    @RequestPrincipal() caller: ApiPrincipal,
    @Body() body: unknown,
  ): Promise<IssuedBindingCodeDto> {
    const organizationId = ownOrganization(caller, uuidParam('organizationId', id));
    const { expiresAt } = parseBody(issueCodeBodySchema, body, '{"expiresAt"?: "<ISO 8601 time>"}');
    const issued = await this.organizations.issueCode(organizationId, expiresAt ?? null);
    this.logger.info(
      { organizationId, codeId: issued.record.id, hint: issued.record.hint },
      'binding code issued',
    );
    return { ...bindingCodeDto(issued.record, Date.now()), code: issued.code };
  }

  @Get(':organizationId/binding-codes')
  @ApiOperation({ summary: 'List binding codes (without the codes themselves)' })
  @ApiOkResponse({ type: BindingCodeDto, isArray: true })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async listCodes(
    @Param('organizationId') id: string,
    @RequestPrincipal() caller: ApiPrincipal,
  ): Promise<BindingCodeDto[]> {
    const codes = await this.organizations.listCodes(
      ownOrganization(caller, uuidParam('organizationId', id)),
    );
    const now = Date.now();
    return codes.map((code) => bindingCodeDto(code, now));
  }

  @Post(':organizationId/binding-codes/:codeId/expire')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set when a binding code expires (now by default)' })
  @ApiZodBody('ExpireCodeBodyDto', expireCodeBodySchema, { required: false })
  @ApiOkResponse({ type: BindingCodeDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async expireCode(
    @Param('organizationId') id: string,
    @RequestPrincipal() caller: ApiPrincipal,
    @Param('codeId') codeId: string,
    @Body() body: unknown,
  ): Promise<BindingCodeDto> {
    const organizationId = ownOrganization(caller, uuidParam('organizationId', id));
    const code = uuidParam('codeId', codeId);
    const { at } = parseBody(expireCodeBodySchema, body, '{"at"?: "<ISO 8601 time>"}');
    return bindingCodeDto(
      await this.organizations.expireCode(organizationId, code, at),
      Date.now(),
    );
  }

  @Post(':organizationId/binding-codes/:codeId/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a binding code (devices already bound stay bound)' })
  @ApiOkResponse({ type: BindingCodeDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async revokeCode(
    @Param('organizationId') id: string,
    @RequestPrincipal() caller: ApiPrincipal,
    @Param('codeId') codeId: string,
  ): Promise<BindingCodeDto> {
    const organizationId = ownOrganization(caller, uuidParam('organizationId', id));
    const code = uuidParam('codeId', codeId);
    const revoked = await this.organizations.revokeCode(organizationId, code);
    this.logger.info({ organizationId, codeId: code }, 'binding code revoked');
    return bindingCodeDto(revoked, Date.now());
  }

  @Get(':organizationId/devices')
  @ApiOperation({ summary: 'Devices bound to the organization, with presence and binding' })
  @ApiOkResponse({ type: DeviceDto, isArray: true })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async devices(
    @Param('organizationId') id: string,
    @RequestPrincipal() caller: ApiPrincipal,
  ): Promise<DeviceDto[]> {
    return (
      await this.organizations.devices(ownOrganization(caller, uuidParam('organizationId', id)))
    ).map(deviceDto);
  }
}
