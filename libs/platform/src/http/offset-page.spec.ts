import { offsetPage } from './offset-page';
import { parseWith, pageQuery } from './request-params';
import { z } from 'zod';

describe('offsetPage', () => {
  it('maps the items and answers the paging asked for', () => {
    const page = offsetPage({ items: [1, 2], total: 7 }, (n) => `#${n}`, {
      limit: 2,
      offset: 4,
    });
    expect(JSON.stringify(page)).toBe('{"items":["#1","#2"],"total":7,"limit":2,"offset":4}');
  });
});

describe('parseWith', () => {
  const schema = z.object({ ...pageQuery(200, 50) }).strict();

  it('parses a query with its defaults', () => {
    expect(parseWith(schema, {})).toEqual({ limit: 50, offset: 0 });
    expect(parseWith(schema, undefined)).toEqual({ limit: 50, offset: 0 });
  });

  it('refuses with a 400 naming every field at fault', () => {
    try {
      parseWith(schema, { limit: '0', offset: 'x' });
      throw new Error('not refused');
    } catch (error) {
      expect(error).toMatchObject({
        status: 400,
        response: {
          statusCode: 400,
          code: 'invalid_request',
          problems: [
            { field: 'limit', problem: 'must be a whole number in 1..200' },
            { field: 'offset', problem: 'must be a whole number in 0..2147483647' },
          ],
        },
      });
    }
  });
});
