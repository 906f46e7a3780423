import { RunningRegistry, startRegistry, TEST_TOKEN } from './registry-harness';

/**
 * A JSON string with a lone UTF-16 surrogate is not text: PostgreSQL refuses it at the insert
 * (a 500 before the platform's request check refused it). The answer is a 400 naming the
 * field, and nothing is stored.
 */
let registry: RunningRegistry;
const run = Date.now().toString(36);

beforeAll(async () => {
  registry = await startRegistry();
}, 60_000);

afterAll(async () => {
  await registry?.stop();
});

it('answers a lone surrogate in a body string with a 400 naming the field, storing nothing', async () => {
  const name = `surrogate ${run}`;
  const response = await fetch(`${registry.baseUrl}/organizations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    // The escape as the bytes on the wire: JSON.stringify writes a lone surrogate as \ud800.
    body: `{"name": "${name} \\ud800"}`,
  });
  expect(response.status).toBe(400);
  const answer = (await response.json()) as { problems: { field: string; problem: string }[] };
  expect(answer.problems).toEqual([
    { field: 'body.name', problem: expect.stringMatching(/valid Unicode/) as unknown },
  ]);
  const stored = await registry.db.query(
    `SELECT count(*)::int AS n FROM "${registry.schema}".organizations WHERE name LIKE $1`,
    [`${name}%`],
  );
  expect(stored.rows[0]).toEqual({ n: 0 });
});
