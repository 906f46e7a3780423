import { z } from 'zod';
import { apiDoc, zodToOpenApi } from './zod-openapi';

describe('zodToOpenApi', () => {
  it('describes an object with its required fields, bounds, formats, enums and defaults', () => {
    const schema = z
      .object({
        name: z.string().trim().min(1).max(200).describe('shown to operators'),
        id: z.string().uuid(),
        count: z.number().int().min(0).max(10),
        ratio: z.number().gt(0),
        mode: z.union([z.literal(0), z.literal(1)]).default(0),
        kind: z.enum(['a', 'b']).optional(),
        tags: z.array(z.string()).min(1).max(5),
        note: z.string().nullable(),
        cron: apiDoc(z.string(), { example: '0 9 * * *' }),
      })
      .strict()
      .superRefine(() => undefined);
    expect(zodToOpenApi(schema)).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200, description: 'shown to operators' },
        id: { type: 'string', format: 'uuid' },
        count: { type: 'integer', minimum: 0, maximum: 10 },
        ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
        mode: { type: 'number', enum: [0, 1], default: 0 },
        kind: { type: 'string', enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5 },
        note: { type: 'string', nullable: true },
        cron: { type: 'string', example: '0 9 * * *' },
      },
      required: ['name', 'id', 'count', 'ratio', 'tags', 'note', 'cron'],
      additionalProperties: false,
    });
  });

  it('documents what a pipeline accepts, not what it produces', () => {
    const states = z
      .string()
      .transform((v) => v.split(','))
      .pipe(z.array(z.string()));
    expect(zodToOpenApi(states)).toEqual({ type: 'string' });
  });

  it('refuses a type it cannot describe instead of publishing a wrong document', () => {
    expect(() => zodToOpenApi(z.map(z.string(), z.string()))).toThrow(/ZodMap is not supported/);
  });
});
