import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

export interface HttpRoute {
  method: string;
  /** OpenAPI style: /waylines/{id} */
  path: string;
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/**
 * The routes an express-based Nest app actually serves, in OpenAPI path syntax, without the
 * API description's own routes. Tests compare them with the document to keep it honest.
 */
export function servedRoutes(app: INestApplication): HttpRoute[] {
  const instance = app.getHttpAdapter().getInstance() as {
    router?: { stack: ExpressLayer[] };
    _router?: { stack: ExpressLayer[] };
  };
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  const routes: HttpRoute[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      if (path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-')) continue;
      for (const [method, enabled] of Object.entries(layer.route.methods)) {
        if (!enabled || method === '_all' || method === 'head' || method === 'options') continue;
        routes.push({ method, path: path.replace(/:([A-Za-z0-9_]+)/g, '{$1}') });
      }
    }
  }
  return routes;
}

/** Served routes the document does not describe ("GET /x"); empty when the document is true. */
export function undocumentedRoutes(app: INestApplication, document: OpenAPIObject): string[] {
  return servedRoutes(app)
    .filter((route) => {
      const item = document.paths[route.path] as Record<string, unknown> | undefined;
      return !item?.[route.method];
    })
    .map((route) => `${route.method.toUpperCase()} ${route.path}`);
}
