import { applyDecorators } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';

/**
 * One schema per request body: the zod schema that validates the body also produces its
 * OpenAPI description, so the published document cannot drift from what is enforced.
 *
 * Descriptions come from zod's `.describe()`; examples and the like from `apiDoc`. Refinements and
 * transforms document their input; what they check beyond the shape is said in a description.
 */

const EXTRAS = new WeakMap<z.ZodTypeAny, SchemaObject>();

/**
 * Adds what zod cannot say to a schema's OpenAPI description (an example, a default the
 * handler applies); validation is unchanged.
 */
export function apiDoc<S extends z.ZodTypeAny>(schema: S, extras: SchemaObject): S {
  EXTRAS.set(schema, extras);
  return schema;
}

/** The OpenAPI (3.0) schema of the input a zod schema accepts. */
export function zodToOpenApi(schema: z.ZodTypeAny): SchemaObject {
  const converted = convert(schema);
  if (schema.description !== undefined) converted.description ??= schema.description;
  return { ...converted, ...EXTRAS.get(schema) };
}

function convert(schema: z.ZodTypeAny): SchemaObject {
  const def = schema._def as { typeName: z.ZodFirstPartyTypeKind };
  if (schema instanceof z.ZodObject) return object(schema);
  if (schema instanceof z.ZodString) return string(schema);
  if (schema instanceof z.ZodNumber) return number(schema);
  if (schema instanceof z.ZodBoolean) return { type: 'boolean' };
  if (schema instanceof z.ZodLiteral) return literals([schema.value]);
  if (schema instanceof z.ZodEnum) return { type: 'string', enum: [...schema.options] };
  if (schema instanceof z.ZodUnion) {
    const options = schema.options as z.ZodTypeAny[];
    if (options.every((o) => o instanceof z.ZodLiteral)) {
      return literals(options.map((o) => (o as z.ZodLiteral<unknown>).value));
    }
    return { oneOf: options.map(zodToOpenApi) };
  }
  if (schema instanceof z.ZodArray) {
    const { minLength, maxLength } = schema._def;
    return {
      type: 'array',
      items: zodToOpenApi(schema.element),
      ...(minLength ? { minItems: minLength.value } : {}),
      ...(maxLength ? { maxItems: maxLength.value } : {}),
    };
  }
  if (schema instanceof z.ZodOptional) return zodToOpenApi(schema.unwrap());
  if (schema instanceof z.ZodNullable) return { ...zodToOpenApi(schema.unwrap()), nullable: true };
  if (schema instanceof z.ZodDefault) {
    return { ...zodToOpenApi(schema._def.innerType), default: schema._def.defaultValue() };
  }
  if (schema instanceof z.ZodEffects) return zodToOpenApi(schema.innerType());
  if (schema instanceof z.ZodPipeline) return zodToOpenApi(schema._def.in);
  if (schema instanceof z.ZodUnknown || schema instanceof z.ZodAny) return {};
  throw new Error(`zodToOpenApi: ${def.typeName} is not supported; describe it by hand`);
}

function object(schema: z.AnyZodObject): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  const required: string[] = [];
  for (const [key, value] of Object.entries(schema.shape as z.ZodRawShape)) {
    properties[key] = zodToOpenApi(value);
    if (!value.isOptional()) required.push(key);
  }
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...(schema._def.unknownKeys === 'strict' ? { additionalProperties: false } : {}),
  };
}

function string(schema: z.ZodString): SchemaObject {
  const out: SchemaObject = { type: 'string' };
  for (const check of schema._def.checks) {
    if (check.kind === 'min') out.minLength = check.value;
    else if (check.kind === 'max') out.maxLength = check.value;
    else if (check.kind === 'length') out.minLength = out.maxLength = check.value;
    else if (check.kind === 'uuid') out.format = 'uuid';
    else if (check.kind === 'datetime') out.format = 'date-time';
    else if (check.kind === 'email') out.format = 'email';
    else if (check.kind === 'url') out.format = 'uri';
    else if (check.kind === 'regex') out.pattern = check.regex.source;
  }
  return out;
}

function number(schema: z.ZodNumber): SchemaObject {
  const out: SchemaObject = { type: 'number' };
  for (const check of schema._def.checks) {
    if (check.kind === 'int') out.type = 'integer';
    else if (check.kind === 'min') {
      out.minimum = check.value;
      if (!check.inclusive) out.exclusiveMinimum = true;
    } else if (check.kind === 'max') {
      out.maximum = check.value;
      if (!check.inclusive) out.exclusiveMaximum = true;
    }
  }
  return out;
}

function literals(values: unknown[]): SchemaObject {
  const type = typeof values[0];
  return {
    type: type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'string',
    enum: values,
  };
}

/** Request body schemas by their name in components.schemas (names are unique per service). */
const BODY_SCHEMAS = new Map<string, z.ZodTypeAny>();

/**
 * Documents a route's JSON body with the zod schema that validates it, under `name` in
 * components.schemas (buildOpenApiDocument adds the schemas its operations reference).
 */
export function ApiZodBody(
  name: string,
  schema: z.ZodTypeAny,
  options: { required?: boolean; description?: string } = {},
): MethodDecorator {
  const known = BODY_SCHEMAS.get(name);
  if (known !== undefined && known !== schema) {
    throw new Error(`ApiZodBody: two different schemas are named ${name}`);
  }
  BODY_SCHEMAS.set(name, schema);
  return applyDecorators(
    ApiBody({
      schema: { $ref: `#/components/schemas/${name}` },
      ...(options.required === false ? { required: false } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
    }),
  );
}

/** Adds the zod body schemas the document's operations reference to components.schemas. */
export function addZodBodySchemas(document: OpenAPIObject): void {
  const text = JSON.stringify(document.paths);
  for (const [name, schema] of BODY_SCHEMAS) {
    if (!text.includes(`"#/components/schemas/${name}"`)) continue;
    document.components ??= {};
    document.components.schemas = {
      ...document.components.schemas,
      [name]: zodToOpenApi(schema),
    };
  }
}
