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
  documentParameterRefusals(document);
  return document;
}

/** ErrorDto, inline: not every service's document has the class among its schemas. */
const PARAMETER_ERROR_SCHEMA = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer', example: 400 },
    code: { type: 'string', example: 'invalid_request' },
    message: { type: 'string', example: 'offset: must be a whole number in 0..2147483647' },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, problem: { type: 'string' } },
      },
    },
  },
};

/**
 * Every operation that takes a parameter or a body may answer 400 (RequestInputInterceptor
 * and the request-params rules apply to every route): say so wherever a route's decorators
 * did not already describe its 400.
 */
function documentParameterRefusals(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const op = operation as {
        parameters?: unknown[];
        requestBody?: unknown;
        responses: Record<string, unknown>;
      };
      if ((op.parameters?.length ?? 0) === 0 && op.requestBody === undefined) continue;
      op.responses['400'] ??= {
        description:
          'A parameter or body field is refused (named in `message` and `problems`): wrong ' +
          'type or range, a NUL character, a query parameter given more than once, or one ' +
          'this route does not take',
        content: { 'application/json': { schema: PARAMETER_ERROR_SCHEMA } },
      };
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
