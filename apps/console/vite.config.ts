import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The operator console: a static bundle in dist/console. `base: './'` keeps every asset URL
 * relative, so the bundle works at `/` (embedded mode) or under any path an ingress gives it.
 */
export default defineConfig({
  root: here,
  base: './',
  publicDir: 'public',
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline script: the page runs under a CSP with script-src 'self'.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    // `npx vite apps/console` during development: the API of `npm start` behind the dev server.
    proxy: Object.fromEntries(
      [
        '/docks',
        '/flights',
        '/stream',
        '/tasks',
        '/plans',
        '/commands',
        '/waylines',
        '/organizations',
        '/hms-alerts',
      ].map((p) => [p, process.env.CONSOLE_DEV_API ?? 'http://127.0.0.1:3000']),
    ),
  },
});
