// `npm start` / `npm run demo`: the embedded mode (apps/standalone), the whole system in one
// process with no infrastructure to install. Builds it first when its sources changed since
// the last build (about 15 s), and the operator console when it is missing or stale, then runs
// it in this process: Ctrl-C stops it gracefully.
const { execFileSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'dist/apps/standalone/main.js');

function newestSource(dir, pattern = /\.ts$/) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full, pattern));
    else if (pattern.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

function builtAt() {
  try {
    return statSync(bundle).mtimeMs;
  } catch {
    return 0;
  }
}

const sources = Math.max(
  // apps/console is the browser bundle, built below on its own.
  ...readdirSync(path.join(root, 'apps'))
    .filter((name) => name !== 'console')
    .map((name) => newestSource(path.join(root, 'apps', name))),
  newestSource(path.join(root, 'libs')),
);
if (builtAt() < sources) {
  console.log('building the embedded mode (apps/standalone)...');
  execFileSync(process.execPath, [path.join(__dirname, 'build-all.js'), 'standalone'], {
    cwd: root,
    stdio: 'inherit',
  });
}
// The operator console (apps/console) is a separate static bundle: built when missing or older
// than its sources (about 2 s).
const consoleIndex = path.join(root, 'dist/console/index.html');
function consoleBuiltAt() {
  try {
    return statSync(consoleIndex).mtimeMs;
  } catch {
    return 0;
  }
}
if (consoleBuiltAt() < newestSource(path.join(root, 'apps/console'), /\.(ts|css|html|json)$/)) {
  console.log('building the operator console (apps/console)...');
  execFileSync(process.execPath, [path.join(__dirname, 'build-all.js'), 'console'], {
    cwd: root,
    stdio: 'inherit',
  });
}
require(bundle);
