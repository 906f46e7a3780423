/* global require, module, process, console, fetch, AbortSignal */
/* eslint-disable @typescript-eslint/no-require-imports */
// The image's HEALTHCHECK (and docker-compose's): GET /health/live of the service in this
// container, with node's own fetch (the slim image has no curl). Exit 0 when it answers 2xx, 1
// otherwise. One-shot programs (migrate, provision-topics) have nothing to probe: exit 0.
//
//   node deploy/docker/healthcheck.js [path]      (default /health/live)
//
// The program is APP, else the one PID 1 runs (`node deploy/docker/entrypoint.js gateway`);
// the port is HTTP_PORT, else the service's default. HEALTHCHECK_URL overrides the whole URL.
const { readFileSync } = require('node:fs');
const { PROGRAMS, choose } = require('./entrypoint');

function runningProgram(env, cmdline = '/proc/1/cmdline') {
  if (env.APP) return env.APP;
  try {
    const argv = readFileSync(cmdline, 'utf8').split('\0').filter(Boolean);
    const at = argv.findIndex((arg) => arg.endsWith('entrypoint.js'));
    return at >= 0 ? choose(argv.slice(at + 1), env).name : undefined;
  } catch {
    return undefined;
  }
}

async function check(env = process.env, pathname = '/health/live', cmdline = '/proc/1/cmdline') {
  const name = runningProgram(env, cmdline);
  const program = name ? PROGRAMS[name] : undefined;
  if (!env.HEALTHCHECK_URL && program && !program.service) return 0;
  const port = env.HTTP_PORT || (program && program.port);
  if (!env.HEALTHCHECK_URL && !port) {
    console.error('healthcheck: no service in this container (set APP or HTTP_PORT)');
    return 1;
  }
  const url = env.HEALTHCHECK_URL || `http://127.0.0.1:${port}${pathname}`;
  try {
    const timeoutMs = Number(env.HEALTHCHECK_TIMEOUT_MS) || 3000;
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) return 0;
    console.error(`healthcheck: ${url} answered ${response.status}`);
  } catch (error) {
    console.error(`healthcheck: ${url}: ${error.message}`);
  }
  return 1;
}

module.exports = { check, runningProgram };

if (require.main === module) {
  check(process.env, process.argv[2] || '/health/live').then((code) => process.exit(code));
}
