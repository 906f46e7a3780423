import {
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  HttpException,
  Inject,
  Post,
  Req,
  Type,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { Logger } from 'pino';
import {
  bearerToken,
  BearerAuthGuard,
  ErrorDto,
  LOGGER,
  Public,
  requestOrganization,
} from '@dock/platform';
import {
  bootstrapProblems,
  PilotBootstrapRefused,
  PilotBootstrapUnavailable,
  PilotBootstrapSource,
} from '../domain/pilot-bootstrap';
import { PAGE_ASSETS, PAGE_STYLE, pageHtml, pageScript } from '../page/page-assets';
import type { PageBootstrap } from '../page/page-script';
import { PilotBootstrapDto } from './pilot-bootstrap.dto';

export const PILOT_BOOTSTRAP_SOURCE = Symbol('PILOT_BOOTSTRAP_SOURCE');

/** What the controller serves, fixed when the module is registered. */
export interface PilotPageSettings {
  prefix: string;
  platformName: string;
  thingCallback: string;
  thingTimeoutMs: number;
}

/**
 * Only this origin's script, style and fetch (and the empty data: icon that keeps the browser
 * from asking for /favicon.ico); no inline code, no framing, no form posts
 * (the form is handled by the script), no other origin, so no CDN can be pulled in.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The page and its bootstrap under a prefix chosen at registration, hence a class made per
 * module registration (decorators take the path when the class is defined).
 */
export function createPilotH5Controller(settings: PilotPageSettings): Type<unknown> {
  const html = pageHtml(settings.prefix, settings.platformName);
  const script = pageScript({
    thingCallback: settings.thingCallback,
    thingTimeoutMs: settings.thingTimeoutMs,
  });

  @ApiTags('pilot')
  @Controller(settings.prefix.slice(1))
  class PilotH5Controller {
    constructor(
      @Inject(PILOT_BOOTSTRAP_SOURCE) private readonly source: PilotBootstrapSource,
      @Inject(LOGGER) private readonly logger: Logger,
    ) {}

    @Get()
    @Public()
    @Header('Content-Type', 'text/html; charset=utf-8')
    @Header('Content-Security-Policy', PAGE_CSP)
    @Header('X-Content-Type-Options', 'nosniff')
    @Header('Referrer-Policy', 'no-referrer')
    @Header('Cache-Control', 'no-cache')
    @ApiOperation({
      summary:
        'The Pilot 2 access page (register this URL in Pilot 2: Cloud Service, Open Platforms)',
      security: [],
    })
    @ApiProduces('text/html')
    @ApiOkResponse({ description: 'The sign-in page; its script and style are served beside it' })
    page(): string {
      return html;
    }

    @Get(PAGE_ASSETS.script)
    @Public()
    @Header('Content-Type', 'text/javascript; charset=utf-8')
    @Header('X-Content-Type-Options', 'nosniff')
    @Header('Cache-Control', 'no-cache')
    @ApiOperation({ summary: "The access page's script", security: [] })
    @ApiProduces('text/javascript')
    @ApiOkResponse({ description: 'JavaScript' })
    script(): string {
      return script;
    }

    @Get(PAGE_ASSETS.style)
    @Public()
    @Header('Content-Type', 'text/css; charset=utf-8')
    @Header('X-Content-Type-Options', 'nosniff')
    @Header('Cache-Control', 'no-cache')
    @ApiOperation({ summary: "The access page's style sheet", security: [] })
    @ApiProduces('text/css')
    @ApiOkResponse({ description: 'CSS' })
    style(): string {
      return PAGE_STYLE;
    }

    @Post('bootstrap')
    @HttpCode(200)
    @UseGuards(BearerAuthGuard)
    @Header('Cache-Control', 'no-store')
    @Header('Pragma', 'no-cache')
    @Header('X-Content-Type-Options', 'nosniff')
    @ApiBearerAuth()
    @ApiOperation({
      summary: 'What the access page passes to the JSBridge for the signed-in caller',
      description:
        'The DJI licence, the MQTT broker address and credentials, the API address and token, ' +
        'and the organization (Pilot workspace). Secrets: never cached (Cache-Control: no-store).',
    })
    @ApiOkResponse({ type: PilotBootstrapDto })
    @ApiResponse({ status: 401, description: 'Missing or unknown bearer token', type: ErrorDto })
    @ApiResponse({ status: 403, description: 'This caller gets no Pilot access', type: ErrorDto })
    @ApiResponse({ status: 503, description: 'Pilot access is not configured', type: ErrorDto })
    async bootstrap(
      @Req() request: Request,
      @Headers('authorization') authorization?: string,
    ): Promise<PageBootstrap> {
      // The guard accepted the token (or auth is disabled); the page always sends one.
      const token = bearerToken(authorization);
      if (token === undefined) {
        throw refusal(401, 'token_required', 'a bearer token is required');
      }
      // Resolved by the guard (the platform's one rule); read here, never parsed again.
      const organizationId = requestOrganization(request);
      let bootstrap;
      try {
        bootstrap = await this.source.bootstrapFor({ token, organizationId });
      } catch (error) {
        if (error instanceof PilotBootstrapRefused) {
          throw refusal(403, error.code, error.message);
        }
        if (error instanceof PilotBootstrapUnavailable) {
          this.logger.warn({ code: error.code }, `pilot bootstrap: ${error.message}`);
          throw refusal(503, error.code, error.message);
        }
        this.logger.error({ err: error }, 'pilot bootstrap: the source failed');
        throw refusal(
          503,
          'pilot_bootstrap_unavailable',
          'the Pilot settings could not be read; try again, and see the service log if it persists',
        );
      }
      const problems = bootstrapProblems(bootstrap);
      if (problems.length > 0) {
        // Field names only: the values include secrets.
        this.logger.error({ problems }, 'pilot bootstrap: the settings are not usable by Pilot');
        throw refusal(
          503,
          'pilot_settings_invalid',
          `the Pilot settings of this system are not usable: ${problems.join('; ')}`,
        );
      }
      this.logger.info(
        { organizationId: bootstrap.organization.id },
        'pilot bootstrap sent to a signed-in caller',
      );
      // Field by field: whatever else a source's object carries is not sent.
      const { license, mqtt, api, organization, workspaceName } = bootstrap;
      return {
        platformName: settings.platformName,
        license: { appId: license.appId, appKey: license.appKey, license: license.license },
        mqtt: { host: mqtt.host, username: mqtt.username, password: mqtt.password },
        api: { host: api.host, token: api.token },
        organization: { id: organization.id, name: organization.name },
        ...(workspaceName === undefined ? {} : { workspaceName }),
      };
    }
  }
  return PilotH5Controller;
}

function refusal(status: number, code: string, message: string): HttpException {
  return new HttpException({ statusCode: status, code, message }, status);
}
