// Builds every app of the monorepo (nest-cli.json lists them) with the Nest CLI, one after another,
// then the operator console (apps/console, Vite) into dist/console. `build-all.js console`: only it.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const nestCli = JSON.parse(readFileSync(path.join(root, 'nest-cli.json'), 'utf8'));
const apps = Object.entries(nestCli.projects)
  .filter(([, project]) => project.type === 'application')
  .map(([name]) => name);
const only = process.argv.slice(2);
const CONSOLE = 'console';

for (const app of only.length ? only : [...apps, CONSOLE]) {
  if (app === CONSOLE) {
    buildConsole();
    continue;
  }
  if (!apps.includes(app)) {
    console.error(`unknown app "${app}"; apps: ${[...apps, CONSOLE].join(', ')}`);
    process.exit(2);
  }
  const started = Date.now();
  execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build', app], {
    cwd: root,
    stdio: 'inherit',
  });
  console.log(
    `built ${app} in ${((Date.now() - started) / 1000).toFixed(1)} s -> dist/apps/${app}/main.js`,
  );
}

/** The operator console: a static bundle (no server code), built by Vite from apps/console. */
function buildConsole() {
  const started = Date.now();
  execFileSync(
    process.execPath,
    [
      path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js'),
      'build',
      '--config',
      'apps/console/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  console.log(
    `built console in ${((Date.now() - started) / 1000).toFixed(1)} s -> dist/console/index.html`,
  );
}
