/* global require, module, process, console, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports */
// The image's entry point: one image, the program chosen at start.
//
//   node deploy/docker/entrypoint.js gateway|mission|telemetry|file|registry|alerts|media   a service (or APP=<name>)
//   node deploy/docker/entrypoint.js migrate [service...]             PostgreSQL migrations
//   node deploy/docker/entrypoint.js provision-topics [--dry-run]     Kafka topics
//
// The program runs in this process (no child), so SIGTERM reaches the service's own graceful
// shutdown directly. Exit code 64 for an unknown program.
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

/** Program name -> how it runs. Services run their bundle; tools export main(argv). */
const PROGRAMS = {
  gateway: { service: 'dist/apps/gateway/main.js', port: 3001 },
  mission: { service: 'dist/apps/mission/main.js', port: 3002 },
  telemetry: { service: 'dist/apps/telemetry/main.js', port: 3003 },
  file: { service: 'dist/apps/file/main.js', port: 3004 },
  registry: { service: 'dist/apps/registry/main.js', port: 3005 },
  alerts: { service: 'dist/apps/alerts/main.js', port: 3006 },
  media: { service: 'dist/apps/media/main.js', port: 3007 },
  migrate: { tool: 'dist/tools/migrate.js' },
  'provision-topics': { tool: 'scripts/provision-topics.js' },
};

function choose(argv, env) {
  const [first, ...rest] = argv;
  if (first && !first.startsWith('-')) return { name: first, args: rest };
  return { name: env.APP, args: argv };
}

async function run(argv = process.argv.slice(2), env = process.env) {
  const { name, args } = choose(argv, env);
  const program =
    name && Object.prototype.hasOwnProperty.call(PROGRAMS, name) ? PROGRAMS[name] : undefined;
  if (!program) {
    console.error(
      `entrypoint: ${name ? `unknown program "${name}"` : 'no program given'}; ` +
        `pass one of ${Object.keys(PROGRAMS).join(', ')} (or set APP)`,
    );
    return 64;
  }
  if (program.service) {
    env.APP = name;
    process.argv = [process.argv[0], path.join(root, program.service), ...args];
    require(path.join(root, program.service));
    return undefined; // the service keeps the process alive and exits by itself
  }
  const code = await require(path.join(root, program.tool)).main(args, env);
  return typeof code === 'number' ? code : (process.exitCode ?? 0);
}

module.exports = { PROGRAMS, choose, run };

if (require.main === module) {
  run().then(
    (code) => {
      if (code !== undefined) process.exit(code);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
