import { timingSafeEqual, createHash } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, HttpException, Inject, Post } from '@nestjs/common';
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodBody, ErrorDto, Public } from '@dock/platform';
import type { MqttAccessService } from '../application/mqtt-access-service';
import type { RegistryConfig } from '../registry.config';
import { MQTT_ACCESS_SERVICE, REGISTRY_CONFIG } from '../registry.tokens';
import { parseBody } from './registry-errors.filter';

export const MQTT_HOOK_SECRET_HEADER = 'x-mqtt-hook-secret';

const authenticateSchema = z
  .object({
    clientid: z.string().min(1).max(256).describe('EMQX ${clientid}'),
    username: z.string().max(256).optional().describe('EMQX ${username}'),
    password: z.string().max(1024).optional().describe('EMQX ${password}'),
  })
  .passthrough();

const authorizeSchema = z
  .object({
    clientid: z.string().min(1).max(256).describe('EMQX ${clientid}'),
    username: z.string().max(256).optional().describe('EMQX ${username}'),
    topic: z.string().min(1).max(1024).describe('EMQX ${topic}: the topic or topic filter'),
    action: z.enum(['publish', 'subscribe']).describe('EMQX ${action}'),
    /** EMQX renders ${retain} as "true" / "false". */
    retain: z
      .union([z.boolean(), z.enum(['true', 'false'])])
      .optional()
      .describe('EMQX ${retain} ("true" / "false")'),
  })
  .passthrough();

export class MqttHookResultDto {
  @ApiProperty({ enum: ['allow', 'deny'] })
  result!: 'allow' | 'deny';
  @ApiPropertyOptional({ description: 'Authentication only: always false' })
  is_superuser?: boolean;
}

/**
 * EMQX 5's HTTP authentication and HTTP authorization backends (deploy/README.md): the same
 * rules and credentials as the embedded broker. Not behind the API's bearer token but a shared
 * secret header (REGISTRY_MQTT_HOOK_SECRET); unset or wrong: 401, which EMQX treats as
 * "ignore" and, being the only source, denies. Every error denies.
 */
@ApiTags('mqtt broker hooks')
@ApiHeader({
  name: MQTT_HOOK_SECRET_HEADER,
  required: true,
  description: 'REGISTRY_MQTT_HOOK_SECRET',
})
@ApiResponse({ status: 401, description: 'Missing or wrong hook secret', type: ErrorDto })
@ApiResponse({
  status: 400,
  description: 'A malformed request (EMQX: ignore, so deny)',
  type: ErrorDto,
})
@Public()
@Controller('mqtt')
export class MqttBrokerHooksController {
  private readonly secret: Buffer | undefined;

  constructor(
    @Inject(MQTT_ACCESS_SERVICE) private readonly access: MqttAccessService,
    @Inject(REGISTRY_CONFIG) config: RegistryConfig,
  ) {
    this.secret =
      config.REGISTRY_MQTT_HOOK_SECRET === undefined
        ? undefined
        : sha256(config.REGISTRY_MQTT_HOOK_SECRET);
  }

  @Post('authenticate')
  @HttpCode(200)
  @ApiOperation({ summary: 'EMQX HTTP authentication: may this client connect?' })
  @ApiZodBody('MqttAuthenticateBodyDto', authenticateSchema)
  @ApiOkResponse({ type: MqttHookResultDto })
  async authenticate(
    @Headers(MQTT_HOOK_SECRET_HEADER) secret: string | undefined,
    @Body() body: unknown,
  ): Promise<MqttHookResultDto> {
    this.checkSecret(secret);
    const request = parseBody(authenticateSchema, body, '{"clientid", "username", "password"}');
    const outcome = await this.access.authenticate(
      request.clientid,
      request.username || undefined,
      request.password || undefined,
    );
    return { result: outcome.ok ? 'allow' : 'deny', is_superuser: false };
  }

  @Post('authorize')
  @HttpCode(200)
  @ApiOperation({ summary: 'EMQX HTTP authorization: may this client publish / subscribe?' })
  @ApiZodBody('MqttAuthorizeBodyDto', authorizeSchema)
  @ApiOkResponse({ type: MqttHookResultDto })
  async authorize(
    @Headers(MQTT_HOOK_SECRET_HEADER) secret: string | undefined,
    @Body() body: unknown,
  ): Promise<MqttHookResultDto> {
    this.checkSecret(secret);
    const request = parseBody(
      authorizeSchema,
      body,
      '{"clientid", "username", "topic", "action": "publish"|"subscribe", "retain"}',
    );
    const principal = await this.access.principal(request.username).catch(() => undefined);
    if (!principal) {
      this.access.refuse(request.action, 'bad_credentials', {
        clientId: request.clientid,
        username: request.username,
        topic: request.topic,
        reason: 'no credential has this username',
      });
      return { result: 'deny' };
    }
    const decision = await this.access.authorize({
      principal,
      clientId: request.clientid,
      action: request.action,
      topic: request.topic,
      retain: request.retain === true || request.retain === 'true',
    });
    return { result: decision.allow ? 'allow' : 'deny' };
  }

  private checkSecret(given: string | undefined): void {
    if (
      this.secret === undefined ||
      given === undefined ||
      !timingSafeEqual(sha256(given), this.secret)
    ) {
      throw new HttpException(
        {
          statusCode: 401,
          code: 'unauthorized',
          message: `missing or wrong ${MQTT_HOOK_SECRET_HEADER} (REGISTRY_MQTT_HOOK_SECRET)`,
        },
        401,
      );
    }
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
