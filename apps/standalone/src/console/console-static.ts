import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { ConsoleSite, consoleConfigJson, consoleCsp } from './console-site';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
/** Vite's asset names: a content hash in each, nothing else allowed (no path tricks). */
const ASSET_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.[a-z0-9]+$/;

/**
 * Serves the operator console at `/` of the embedded mode: `/` and `/index.html` (never cached,
 * so a new build shows at the next load), `/assets/*` (content-hashed: cached for a year),
 * `/config.json` (this server's settings). Only these paths and only GET/HEAD: every other
 * request goes on to the API routes, which keep their own paths and auth.
 */
export function consoleStatic(site: ConsoleSite) {
  const csp = consoleCsp(site.tileUrl);
  const config = consoleConfigJson(site);
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const url = request.path;
    const common = (): void => {
      response.setHeader('X-Content-Type-Options', 'nosniff');
      response.setHeader('Referrer-Policy', 'no-referrer');
    };
    if (url === '/config.json') {
      common();
      response.setHeader('Cache-Control', 'no-store');
      response.type('application/json').send(config);
      return;
    }
    if (url === '/' || url === '/index.html') {
      common();
      response.setHeader('Content-Security-Policy', csp);
      response.setHeader('Cache-Control', 'no-cache');
      if (!site.dir) {
        response
          .status(503)
          .type('text/html')
          .send(
            '<!doctype html><title>Console not built</title><h1>The operator console is not built</h1>' +
              '<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it), then reload.' +
              ' The API answers as usual; its reference is at <a href="/docs">/docs</a>.</p>',
          );
        return;
      }
      void sendFile(response, path.join(site.dir, 'index.html'), next);
      return;
    }
    if (url.startsWith('/assets/')) {
      const name = url.slice('/assets/'.length);
      common();
      if (!site.dir || !ASSET_NAME.test(name)) {
        response.status(404).json({ statusCode: 404, message: `no console asset ${name}` });
        return;
      }
      response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      void sendFile(response, path.join(site.dir, 'assets', name), next);
      return;
    }
    next();
  };
}

async function sendFile(response: Response, file: string, next: NextFunction): Promise<void> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    response.status(404).json({ statusCode: 404, message: 'not found' });
    return;
  }
  response.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
  response.setHeader('Content-Length', String(size));
  if (response.req.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file).on('error', next).pipe(response);
}
