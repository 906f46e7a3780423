import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

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
  return document;
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
