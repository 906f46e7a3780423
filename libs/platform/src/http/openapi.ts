import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { ORGANIZATION_HEADER, ORGANIZATION_ID_PATTERN } from './request-organization';

export interface OpenApiInfo {
  title: string;
  description: string;
  version: string;
}

/** Where every service serves its API description. */
export const OPENAPI_PATHS = { ui: 'docs', json: 'docs/openapi.json' } as const;

/** Builds the OpenAPI document of an app's controllers, with bearer authentication declared. */
export function buildOpenApiDocument(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(info.version)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque token',
        description: 'One of the tokens in API_TOKENS',
      },
      'bearer',
    )
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  markPlatformRoutesPublic(document);
  declareOrganizationScope(document);
  return document;
}

/** The name of the organization header parameter under components.parameters. */
export const ORGANIZATION_PARAMETER = 'OrganizationId';

/**
 * Every authenticated operation acts in one organization (RequestOrganization): the header is
 * declared once and referenced by each operation that is not public (security: []).
 */
function declareOrganizationScope(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.parameters = {
    ...document.components.parameters,
    [ORGANIZATION_PARAMETER]: {
      name: ORGANIZATION_HEADER,
      in: 'header',
      required: false,
      description:
        'The organization the request acts in: it sees and writes only that organization\'s ' +
        `records (another organization's record answers 404). Default: ${DEFAULT_ORGANIZATION_ID}. ` +
        'A value that is not an organization id answers 400.',
      schema: { type: 'string', pattern: ORGANIZATION_ID_PATTERN.source },
    },
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const scoped = operation as { security?: unknown[]; parameters?: unknown[] };
      if (Array.isArray(scoped.security) && scoped.security.length === 0) continue;
      scoped.parameters = [
        ...(scoped.parameters ?? []),
        { $ref: `#/components/parameters/${ORGANIZATION_PARAMETER}` },
      ];
    }
  }
}

/** Health and metrics answer without a token (see BearerAuthGuard); say so in the document. */
function markPlatformRoutesPublic(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!/^\/(health|metrics)(\/|$)/.test(path)) continue;
    for (const operation of Object.values(item)) {
      if (typeof operation === 'object' && operation !== null && 'responses' in operation) {
        (operation as { security?: unknown[] }).security = [];
      }
    }
  }
}

/**
 * Serves the UI at /docs and the JSON at /docs/openapi.json. Call it before the app listens
 * (e.g. from startService's `configure` hook): routes added later come after Nest's 404.
 * `complete` adds what decorators cannot say (e.g. an extra security scheme).
 */
export function setupOpenApi(
  app: INestApplication,
  info: OpenApiInfo,
  complete: (document: OpenAPIObject) => OpenAPIObject = (document) => document,
): OpenAPIObject {
  const document = complete(buildOpenApiDocument(app, info));
  SwaggerModule.setup(OPENAPI_PATHS.ui, app, document, {
    jsonDocumentUrl: OPENAPI_PATHS.json,
    raw: ['json'],
  });
  return document;
}
