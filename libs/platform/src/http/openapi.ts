import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { ORGANIZATION_HEADER, ORGANIZATION_ID_PATTERN } from './request-organization';
import { addZodBodySchemas } from './zod-openapi';

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
  addZodBodySchemas(document);
  markPlatformRoutesPublic(document);
  // The organization header first: a bad one is a refused parameter too (documented 400).
  declareOrganizationScope(document);
  documentParameterRefusals(document);
  return document;
}

/** The name of the organization header parameter under components.parameters. */
export const ORGANIZATION_PARAMETER = 'OrganizationId';

interface Operation {
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

function operationsOf(document: OpenAPIObject): Operation[] {
  const operations: Operation[] = [];
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      if (typeof operation === 'object' && operation !== null && 'responses' in operation) {
        operations.push(operation as Operation);
      }
    }
  }
  return operations;
}

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
        "The organization the request acts in: it sees and writes only that organization's " +
        `records (another organization's record answers 404). Default: ${DEFAULT_ORGANIZATION_ID}. ` +
        'A value that is not an organization id answers 400.',
      schema: { type: 'string', pattern: ORGANIZATION_ID_PATTERN.source },
    },
  };
  for (const operation of operationsOf(document)) {
    if (Array.isArray(operation.security) && operation.security.length === 0) continue;
    operation.parameters = [
      ...(operation.parameters ?? []),
      { $ref: `#/components/parameters/${ORGANIZATION_PARAMETER}` },
    ];
  }
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
  for (const operation of operationsOf(document)) {
    if ((operation.parameters?.length ?? 0) === 0 && operation.requestBody === undefined) continue;
    operation.responses['400'] ??= {
      description:
        'A parameter or body field is refused (named in `message` and `problems`): wrong ' +
        'type or range, a NUL character, a query parameter given more than once, or one ' +
        'this route does not take',
      content: { 'application/json': { schema: PARAMETER_ERROR_SCHEMA } },
    };
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
