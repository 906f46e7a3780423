import { Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiResponse,
} from '@nestjs/swagger';
import type { Logger } from 'pino';
import { ApiPrincipal, BearerController, ErrorDto, LOGGER, RequestPrincipal } from '@dock/platform';
import type { MqttCredentialService } from '../application/mqtt-credential-service';
import type { MqttCredential } from '../domain/mqtt-credential';
import { MQTT_CREDENTIAL_SERVICE } from '../registry.tokens';
import { ownOrganization } from './organization-scope';
import { uuidParam } from './uuid-param';

export class MqttCredentialDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  organizationId!: string;
  @ApiProperty({ description: 'The MQTT username docks and Pilot 2 connect with' })
  username!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the password was last set' })
  rotatedAt!: string;
}

export class IssuedMqttCredentialDto extends MqttCredentialDto {
  @ApiProperty({
    description: 'The MQTT password. Shown this once: only its PBKDF2 hash is stored.',
  })
  password!: string;
}

function credentialDto(credential: MqttCredential): MqttCredentialDto {
  return {
    id: credential.id,
    organizationId: credential.organizationId ?? '',
    username: credential.username,
    createdAt: new Date(credential.createdAt).toISOString(),
    rotatedAt: new Date(credential.rotatedAt).toISOString(),
  };
}

/**
 * An organization's MQTT credentials: what its docks and remote controllers connect with. An
 * organization's token manages its own only: another organization's id answers 404, as an id
 * nobody has (ownOrganization); the admin token manages any.
 */
@BearerController({ path: 'organizations/:organizationId/mqtt-credentials', tag: 'organizations' })
export class MqttCredentialsController {
  constructor(
    @Inject(MQTT_CREDENTIAL_SERVICE) private readonly credentials: MqttCredentialService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Issue an MQTT credential for the organization’s devices',
    description:
      'A generated username and password for docks and Pilot 2 of this organization. The ' +
      'answer is the only place the password appears.',
  })
  @ApiCreatedResponse({ type: IssuedMqttCredentialDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async create(
    @Param('organizationId') id: string,
    @RequestPrincipal() caller: ApiPrincipal,
  ): Promise<IssuedMqttCredentialDto> {
    const organizationId = ownOrganization(caller, uuidParam('organizationId', id));
    const issued = await this.credentials.create(organizationId);
    this.logger.info(
      { organizationId, credentialId: issued.credential.id, username: issued.credential.username },
      'MQTT credential issued',
    );
    return { ...credentialDto(issued.credential), password: issued.password };
  }

  @Get()
  @ApiOperation({ summary: 'List the organization’s MQTT credentials (without passwords)' })
  @ApiOkResponse({ type: MqttCredentialDto, isArray: true })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async list(
    @Param('organizationId') id: string,
    @RequestPrincipal() caller: ApiPrincipal,
  ): Promise<MqttCredentialDto[]> {
    const organizationId = ownOrganization(caller, uuidParam('organizationId', id));
    return (await this.credentials.list(organizationId)).map(credentialDto);
  }

  @Post(':credentialId/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate an MQTT credential’s password',
    description:
      'A new password for the same username; the old one is refused from now on (new ' +
      'connections; connected clients keep their session until they reconnect).',
  })
  @ApiOkResponse({ type: IssuedMqttCredentialDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async rotate(
    @Param('organizationId') id: string,
    @Param('credentialId') credentialId: string,
    @RequestPrincipal() caller: ApiPrincipal,
  ): Promise<IssuedMqttCredentialDto> {
    const organizationId = ownOrganization(caller, uuidParam('organizationId', id));
    const issued = await this.credentials.rotate(
      organizationId,
      uuidParam('credentialId', credentialId),
    );
    this.logger.info(
      { organizationId, credentialId: issued.credential.id, username: issued.credential.username },
      'MQTT credential rotated',
    );
    return { ...credentialDto(issued.credential), password: issued.password };
  }

  @Delete(':credentialId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an MQTT credential (new connections with it are refused)' })
  @ApiNoContentResponse()
  @ApiResponse({ status: 400, type: ErrorDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async delete(
    @Param('organizationId') id: string,
    @Param('credentialId') credentialId: string,
    @RequestPrincipal() caller: ApiPrincipal,
  ): Promise<void> {
    const organizationId = ownOrganization(caller, uuidParam('organizationId', id));
    const credential = uuidParam('credentialId', credentialId);
    await this.credentials.delete(organizationId, credential);
    this.logger.info({ organizationId, credentialId: credential }, 'MQTT credential deleted');
  }
}
