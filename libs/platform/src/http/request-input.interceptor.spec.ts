import { requestProblems } from './request-input.interceptor';

describe('requestProblems', () => {
  it('names a NUL in a path parameter, a query value, a body string or a body key', () => {
    expect(
      requestProblems({
        params: { flightId: 'a\u0000b' },
        query: { name: '\u0000' },
        body: { tasks: [{ name: 'x\u0000' }], 'k\u0000': 1 },
      }).map((p) => p.field),
    ).toEqual(['flightId', 'name', 'body.tasks[0].name', 'body (a key)']);
  });

  it('names a lone UTF-16 surrogate in a path parameter, a query value, a body string or key', () => {
    const problems = requestProblems({
      params: { id: 'a\ud800' },
      query: { q: '\udfff' },
      body: JSON.parse('{"name": "x\\ud800y", "list": ["\\udc00"], "k\\ud83d": 1}') as unknown,
    });
    expect(problems.map((p) => p.field)).toEqual([
      'id',
      'q',
      'body.name',
      'body.list[0]',
      'body (a key)',
    ]);
    expect(problems[0].problem).toMatch(/valid Unicode/);
  });

  it('names a query parameter given twice, as name[] or as name[key]', () => {
    expect(
      requestProblems({ query: { limit: ['1', '2'], 'offset[]': '1', 'state[a]': 'x' } }),
    ).toEqual([
      { field: 'limit', problem: 'must be given once, as a plain value' },
      { field: 'offset', problem: 'must be given once, as a plain value' },
      { field: 'state', problem: 'must be given once, as a plain value' },
    ]);
  });

  it('lets ordinary values, unicode included, through', () => {
    expect(
      requestProblems({
        params: { sn: 'DOCK-1' },
        query: { limit: '5', q: '𝔘ñí' },
        body: { name: 'Brücke 𝔘', n: 5, nested: { list: [1, 'a'] } },
      }),
    ).toEqual([]);
  });
});
