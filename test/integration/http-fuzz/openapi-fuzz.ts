/**
 * Hostile requests derived from an OpenAPI document: for every operation, every parameter in
 * turn gets wrong types, extremes, NUL bytes, unicode, path tricks and array forms, and every
 * JSON body field the same, the other parameters holding plain values. What comes back is only
 * judged for being a 5xx: a bad input must be answered as the client's mistake.
 */
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Operation {
  parameters?: { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
}

export interface FuzzRequest {
  method: string;
  /** Path and query string, already encoded. */
  url: string;
  /** What is being fuzzed, for the failure message. */
  what: string;
  json?: unknown;
  rawBody?: string;
  form?: Record<string, string>;
}

/** Path segments, already percent-encoded as a client would send them. */
export const PATH_VALUES = [
  'x',
  '..',
  '%2e%2e',
  '%00',
  'a%00b',
  '%FF',
  '-1',
  '1e30',
  '9999999999999999',
  '%F0%9D%94%98%C3%B1',
  'a'.repeat(3000),
  '%20',
];

/** Query values, percent-encoded. */
export const QUERY_VALUES = [
  '',
  'abc',
  '-5',
  '0',
  '1.5',
  '1e30',
  '9999999999999999',
  '-9999999999999999',
  'NaN',
  'Infinity',
  '0x10',
  '%00',
  'a%00b',
  '%F0%9D%94%98%C3%B1',
  '%FF',
  '..',
  'a'.repeat(3000),
  '2026-13-45T99:99:99Z',
];

/** Body field values. */
export const BODY_VALUES: unknown[] = [
  null,
  '',
  'x\u0000y',
  '\u0000',
  'x\ud800y',
  '𝔘ñí\u202e',
  'a'.repeat(20_000),
  -1,
  0,
  1.5,
  1e30,
  -1e30,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  [],
  ['\u0000'],
  {},
  { $gt: '' },
];

export const RAW_BODIES = [
  '',
  'null',
  '[]',
  '"x"',
  '{',
  '{"a":"\\u0000"}',
  '{"name":"\\ud800"}',
  '1e999',
];

export function resolve(doc: OpenApiDocument, schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!]);
  if (schema.allOf) {
    return {
      type: 'object',
      properties: Object.assign(
        {},
        ...schema.allOf.map((part) => resolve(doc, part)?.properties ?? {}),
      ),
    };
  }
  return schema;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? 'x');
}

export interface FuzzSettings {
  /** Paths left out (a live stream is fuzzed apart, it would not end). */
  skip(path: string): boolean;
  /** A valid JSON body per operation ("POST /tasks"): each field is fuzzed with the rest valid. */
  bodies?: Record<string, Record<string, unknown>>;
}

/** Every hostile request for every operation of the document. */
export function fuzzRequests(doc: OpenApiDocument, settings: FuzzSettings): FuzzRequest[] {
  const skip = (path: string) => settings.skip(path);
  const requests: FuzzRequest[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    if (skip(template)) continue;
    for (const [method, operation] of Object.entries(operations)) {
      const verb = method.toUpperCase();
      const parameters = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === 'path');
      const queryParams = parameters.filter((p) => p.in === 'query');
      const base = fill(template, {});

      for (const param of pathParams) {
        for (const value of PATH_VALUES) {
          requests.push({
            method: verb,
            url: fill(template, { [param.name]: value }),
            what: `path ${param.name}=${value.slice(0, 40)}`,
          });
        }
      }
      for (const param of queryParams) {
        const name = encodeURIComponent(param.name);
        const forms = [
          ...QUERY_VALUES.map((value) => `${name}=${value}`),
          `${name}[]=1`,
          `${name}=1&${name}=2`,
          `${name}[a]=1`,
          `${name}`,
        ];
        for (const query of forms) {
          requests.push({
            method: verb,
            url: `${base}?${query}`,
            what: `query ${query.slice(0, 60)}`,
          });
        }
      }
      const content = operation.requestBody?.content ?? {};
      const json = resolve(doc, content['application/json']?.schema);
      if (json) {
        for (const raw of RAW_BODIES) {
          requests.push({ method: verb, url: base, what: `raw body ${raw}`, rawBody: raw });
        }
        const valid = settings.bodies?.[`${verb} ${template}`] ?? {};
        const fields = new Set([...Object.keys(json.properties ?? {}), ...Object.keys(valid)]);
        for (const field of fields) {
          for (const value of BODY_VALUES) {
            requests.push({
              method: verb,
              url: base,
              what: `body ${field}=${JSON.stringify(value)?.slice(0, 40)}`,
              json: { ...valid, [field]: value },
            });
          }
        }
      }
      const multipart = resolve(doc, content['multipart/form-data']?.schema);
      if (multipart) {
        for (const [field] of Object.entries(multipart.properties ?? {})) {
          for (const value of BODY_VALUES.filter((v): v is string => typeof v === 'string')) {
            requests.push({
              method: verb,
              url: base,
              what: `form ${field}=${JSON.stringify(value).slice(0, 40)}`,
              form: { [field]: value },
            });
          }
        }
      }
    }
  }
  return requests;
}
