import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { RunningStandalone, startStandalone } from '../../../apps/standalone/src/standalone';
import { infraSettings, uniqueName } from '../../support/infra-settings';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { validKmz } from '../../../apps/file/test/kmz-fixtures';
import { FuzzRequest, fuzzRequests, OpenApiDocument } from './openapi-fuzz';

/**
 * Every route of the HTTP API, every parameter, hostile values (openapi-fuzz.ts), against the
 * whole system in this process (the embedded mode: the four services' modules, the in-process
 * bus, aedes) on ephemeral ports, on the real PostgreSQL (a database of the test's own: the
 * services keep their usual schema names there, and PGlite's WASM does not load under jest). The document is the one the system serves, so a
 * new route is fuzzed as soon as it is documented. Any 5xx fails, naming the request.
 */
describe('the HTTP API under hostile input (OpenAPI-driven)', () => {
  let system: RunningStandalone;
  let dataDir: string;
  const token = `fuzz-${randomBytes(12).toString('hex')}`;
  const auth = { Authorization: `Bearer ${token}` };
  let doc: OpenApiDocument;
  let waylineId: string;
  const database = uniqueName('http_fuzz', '_');
  const admin = new Client({ connectionString: infraSettings.databaseUrl });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    const databaseUrl = new URL(infraSettings.databaseUrl);
    databaseUrl.pathname = `/${database}`;
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'http-fuzz-'));
    system = await startStandalone({
      env: {
        PATH: process.env.PATH,
        HTTP_PORT: '0',
        MQTT_PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        API_TOKENS: `${DEFAULT_ORGANIZATION_ID}:${token}`,
        DATABASE_URL: databaseUrl.toString(),
      },
      print: () => undefined,
    });
    const served = await fetch(`${system.httpUrl}/docs/openapi.json`);
    doc = (await served.json()) as OpenApiDocument;
    const form = new FormData();
    form.append('name', 'fuzz');
    form.append('file', new Blob([await validKmz({ author: 'fuzz' })]), 'fuzz.kmz');
    const uploaded = await fetch(`${system.httpUrl}/waylines`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    expect(uploaded.status).toBe(201);
    waylineId = ((await uploaded.json()) as { id: string }).id;
  }, 120_000);

  afterAll(async () => {
    await system?.shutdown('test finished');
    await rm(dataDir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }, 60_000);

  /**
   * node:http rather than fetch: fetch normalises the path (`%2e%2e` becomes `..` and is
   * resolved away), and the point is to send exactly the bytes a hostile client would.
   */
  async function send(request: FuzzRequest): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { ...auth };
    let body: Buffer | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = Buffer.from(JSON.stringify(request.json));
    } else if (request.rawBody !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = Buffer.from(request.rawBody);
    } else if (request.form) {
      const form = new FormData();
      for (const [name, value] of Object.entries(request.form)) form.append(name, value);
      form.append('file', new Blob([Buffer.from('PK\u0003\u0004 not really')]), 'f.kmz');
      const encoded = new Request('http://form.invalid/', { method: 'POST', body: form });
      headers['Content-Type'] = encoded.headers.get('content-type')!;
      body = Buffer.from(await encoded.arrayBuffer());
    }
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        `${system.httpUrl}/`,
        { method: request.method, path: request.url, headers, timeout: 15_000 },
        (response) => {
          // A live stream that opened does not end: its status is the answer.
          if (String(response.headers['content-type']).startsWith('text/event-stream')) {
            outgoing.destroy();
            resolve({ status: response.statusCode ?? 0, text: '' });
            return;
          }
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 15 s')));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  it.each([
    ['GET', '/tasks/%00', undefined, 'flightId'],
    ['GET', '/flights/%00/progress', undefined, 'flightId'],
    ['GET', '/tasks?offset=1e30', undefined, 'offset'],
    ['GET', '/waylines?offset=1e30', undefined, 'offset'],
    ['GET', '/docks/FUZZ0001/exit-homing-notices?from=9999999999999999', undefined, 'from'],
    ['GET', '/tasks?limit[]=1', undefined, 'limit'],
    ['GET', '/plans?limit[]=1', undefined, 'limit'],
    ['GET', '/waylines?limit[]=1', undefined, 'limit'],
    ['GET', '/docks?limit[]=1', undefined, 'limit'],
    ['GET', '/flights/f1/progress?limit[]=1', undefined, 'limit'],
    ['GET', '/tasks?offset=-5', undefined, 'offset'],
    ['GET', '/plans?offset=-5', undefined, 'offset'],
    ['GET', '/waylines?offset=-5', undefined, 'offset'],
    ['GET', '/docks?offset=-5', undefined, 'offset'],
    ['GET', '/flights/f1/progress?offset=-5', undefined, 'offset'],
    ['GET', '/tasks/f1?offset=-5', undefined, 'offset'],
    ['POST', '/docks/%2e%2e/return-home', undefined, 'gatewaySn'],
    ['GET', '/docks/%2e%2e/exit-homing-notices', undefined, 'sn'],
    ['POST', '/tasks', { name: 'a\u0000b' }, 'name'],
    ['POST', '/tasks', { name: 'a\ud800b' }, 'name'],
    ['POST', '/plans', { name: '\udfff' }, 'name'],
  ] as const)('answers %s %s with a 400 naming the parameter', async (method, url, body, param) => {
    const response = await send({ method, url, what: url, json: body });
    expect(response.status).toBe(400);
    expect((JSON.parse(response.text) as { message: string }).message).toContain(param);
  });

  it('answers no request with a 5xx', async () => {
    const gatewaySn = 'FUZZ0001';
    const requests = fuzzRequests(doc, {
      skip: (p) => p.startsWith('/health') || p === '/metrics',
      bodies: {
        'POST /tasks': {
          name: 'fuzz',
          gatewaySn,
          waylineId,
          taskType: 'immediate',
          rthAltitude: 100,
          exitWaylineWhenRcLost: 0,
        },
        'POST /plans': {
          name: 'fuzz',
          gatewaySn,
          waylineId,
          cron: '0 0 1 1 *',
          timeZone: 'UTC',
          rthAltitude: 100,
          exitWaylineWhenRcLost: 0,
        },
      },
    });
    expect(requests.length).toBeGreaterThan(500);
    const failures: string[] = [];
    // A few at a time: fast, yet no load test.
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const status = await send(next).then(
            (response) => response.status,
            (error: Error) => `no answer (${error.message})`,
          );
          if (typeof status !== 'number' || status >= 500) {
            failures.push(`${status} ${next.method} ${next.url.slice(0, 120)} (${next.what})`);
          }
        }
      }),
    );
    expect(failures).toEqual([]);
  }, 110_000);
});
