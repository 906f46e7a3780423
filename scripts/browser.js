#!/usr/bin/env node
// The browser the browser tests drive: Debian's `chromium` package, never a browser download.
//
//   node scripts/browser.js ensure   install Debian's chromium when it is missing (apt-get, as root)
//   node scripts/browser.js status   print the browser's path and version (exit 1 if missing)
//
// Plain CommonJS on purpose: it runs before any build, like scripts/infra.js.
//
// Environment (optional):
//   CHROMIUM_PATH   the browser to use (default /usr/bin/chromium); `ensure` installs nothing
//                   when it is set and the file exists
//   APT_LOCK_TIMEOUT_S  how long apt-get waits for another apt/dpkg to finish (default 600)
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

const DEFAULT_PATH = '/usr/bin/chromium';
const browserPath = process.env.CHROMIUM_PATH || DEFAULT_PATH;
const lockTimeout = String(Number(process.env.APT_LOCK_TIMEOUT_S || 600));

function version(file) {
  try {
    // --version reads no profile and opens no window.
    return execFileSync(file, ['--version'], { encoding: 'utf8', timeout: 30000 }).trim();
  } catch (err) {
    return `(does not run: ${err.message.split('\n')[0]})`;
  }
}

function installed() {
  return fs.existsSync(browserPath);
}

function apt(args) {
  execFileSync('apt-get', ['-o', `DPkg::Lock::Timeout=${lockTimeout}`, ...args], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function ensure() {
  if (installed()) {
    console.log(`browser   ok       ${browserPath} (${version(browserPath)})`);
    return 0;
  }
  if (process.env.CHROMIUM_PATH) {
    console.error(`browser: CHROMIUM_PATH=${browserPath} does not exist`);
    return 1;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.error(
      `browser: ${browserPath} is missing and installing it needs root: ` +
        'run `sudo apt-get install -y chromium` (Debian) once, or set CHROMIUM_PATH',
    );
    return 1;
  }
  console.log('browser   installing Debian package chromium (apt-get)');
  try {
    // The package lists may be old or absent on a fresh machine: an install without them fails.
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core']);
  } catch (err) {
    console.error(
      `browser: apt-get could not install chromium (${err.message.split('\n')[0]}). ` +
        "The browser tests need Debian's chromium package at /usr/bin/chromium, or CHROMIUM_PATH.",
    );
    return 1;
  }
  if (!installed()) {
    console.error(`browser: apt-get finished but ${browserPath} is still missing`);
    return 1;
  }
  console.log(`browser   ok       ${browserPath} (${version(browserPath)}, installed)`);
  return 0;
}

function status() {
  if (!installed()) {
    console.log(`browser   MISSING  ${browserPath} (node scripts/browser.js ensure installs it)`);
    return 1;
  }
  console.log(`browser   ok       ${browserPath} (${version(browserPath)})`);
  return 0;
}

const commands = { ensure, status };
const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: node scripts/browser.js <ensure|status>');
  process.exit(2);
}
process.exit(command());
