// `npm run start:services`: makes sure local infrastructure answers, builds every app, and runs the five
// services as child processes (as in production: separate processes), each on its own port.
// Ctrl-C or SIGTERM stops them all gracefully.
const { spawn, execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const services = [
  { name: 'gateway', port: 3001 },
  { name: 'mission', port: 3002 },
  { name: 'telemetry', port: 3003 },
  { name: 'file', port: 3004 },
  { name: 'registry', port: 3005 },
  { name: 'alerts', port: 3006 },
  // Media needs S3-compatible storage (MEDIA_STORAGE_ENDPOINT and its keys, see apps/media);
  // without it, this shape runs without media (the embedded mode brings its own storage).
  ...(process.env.MEDIA_STORAGE_ENDPOINT ? [{ name: 'media', port: 3007 }] : []),
];

function run(script, args) {
  execFileSync(process.execPath, [path.join(__dirname, script), ...args], { cwd: root, stdio: 'inherit' });
}

// Simulated docks refuse a config reply without a licence: when DJI_APP_* are unset, the gateway
// gets a random development licence for this run (a real dock needs a Cloud API app's: README,
// "Dock licence"). Only the gateway and the registry (its Pilot 2 page, /pilot) see it.
// The one generator (libs/platform), loaded from source: it imports node:crypto and zod only.
require('@swc-node/register');
const { DJI_LICENCE_VARIABLES, generateDockLicence } = require('../libs/platform/src/config/dji-licence-env');
const licenceSet = DJI_LICENCE_VARIABLES.some((name) => process.env[name]);
const devLicence = licenceSet ? {} : generateDockLicence();
if (!licenceSet) console.log('gateway: development dock licence for this run (simulated docks only; set DJI_APP_* for real docks)');
// The file service has no built-in signing key; a local run gets a fresh one (links die with it).
const signingKey = process.env.FILE_URL_SIGNING_KEY ?? randomBytes(32).toString('base64url');

run('infra.js', ['up']);
run('build-all.js', []);

if (!process.env.MEDIA_STORAGE_ENDPOINT) {
  console.log('media: not started (set MEDIA_STORAGE_ENDPOINT and its keys to run it; npm start has its own storage)');
}
const children = services.map(({ name, port }) => {
  const envPort = process.env[`${name.toUpperCase()}_HTTP_PORT`];
  const child = spawn(process.execPath, [path.join(root, 'dist/apps', name, 'main.js')], {
    cwd: root,
    env: {
      ...process.env,
      ...(name === 'gateway' || name === 'registry' ? devLicence : {}),
      // The Pilot 2 page's addresses on this machine (a remote controller needs reachable ones).
      ...(name === 'registry'
        ? {
            PILOT_MQTT_URL: process.env.PILOT_MQTT_URL ?? 'tcp://127.0.0.1:1883',
            PUBLIC_API_URL: process.env.PUBLIC_API_URL ?? `http://127.0.0.1:${envPort ?? port}`,
          }
        : {}),
      FILE_URL_SIGNING_KEY: signingKey,
      MEDIA_URL_SIGNING_KEY: process.env.MEDIA_URL_SIGNING_KEY ?? signingKey,
      HTTP_PORT: envPort ?? String(port),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    console.error(`${name} exited (${signal ?? code})`);
    if (!stopping) stop(1);
  });
  console.log(`${name}: http://127.0.0.1:${envPort ?? port}  (health: /health/ready, metrics: /metrics)`);
  return child;
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(
    () => process.exit(code),
  );
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
