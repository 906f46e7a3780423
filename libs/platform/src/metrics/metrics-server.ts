import { createServer, Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * /metrics on a port of its own (METRICS_PORT), for a public deployment: the API port then
 * answers 404 for /metrics, and the metrics port is reachable from the cluster (Prometheus)
 * but not published by the ingress. Nothing else is served here.
 */
export function startMetricsServer(
  registry: Registry,
  port: number,
  host: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if ((request.method === 'GET' || request.method === 'HEAD') && path === '/metrics') {
      registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'Content-Type': registry.contentType });
          response.end(request.method === 'HEAD' ? undefined : text);
        },
        () => {
          response.writeHead(500).end();
        },
      );
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
