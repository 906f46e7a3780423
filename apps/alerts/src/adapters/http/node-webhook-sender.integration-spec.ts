import { createServer, Server } from 'node:http';
import { NodeWebhookSender } from './node-webhook-sender';

/** The sender against a real local HTTP server: SSRF refusal, timeouts, status handling. */
describe('NodeWebhookSender', () => {
  let server: Server;
  let url: string;
  let hits = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      if (req.url === '/fail') return void res.writeHead(503).end('busy');
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = (sender: NodeWebhookSender, path: string) =>
    sender.send({ url: `${url}${path}`, headers: {}, body: '{}' });

  it('refuses loopback, localhost and private names without connecting', async () => {
    const sender = new NodeWebhookSender({ timeoutMs: 1_000, allowPrivate: false, userAgent: 't' });
    const before = hits;
    const result = await send(sender, '/ok');
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/^refused: 127\.0\.0\.1 resolves to a loopback address/);
    const byName = await sender.send({
      url: url.replace('127.0.0.1', 'localhost'),
      headers: {},
      body: '{}',
    });
    expect(byName.error).toMatch(/^refused: localhost resolves to a loopback address/);
    expect(hits).toBe(before);
  });

  it('when allowed: 2xx is success, other statuses and timeouts are errors', async () => {
    const sender = new NodeWebhookSender({ timeoutMs: 500, allowPrivate: true, userAgent: 't' });
    expect(await send(sender, '/ok')).toMatchObject({ status: 200, error: null });
    expect(await send(sender, '/fail')).toMatchObject({ status: 503, error: 'HTTP 503: busy' });
    const slow = await send(sender, '/slow');
    expect(slow.status).toBeNull();
    expect(slow.error).toMatch(/timed out after 500 ms/);
    expect(slow.latencyMs).toBeLessThan(1_500);
  });
});
