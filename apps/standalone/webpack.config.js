/* global require, module, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports */
// The embedded mode's bundle (nest-cli.json points here): Nest's defaults, plus a second entry
// for the embedded PostgreSQL's worker thread, which EmbeddedPostgres starts from a file of its
// own beside main.js (dist/apps/standalone/embedded-postgres-worker.js).
const path = require('node:path');

module.exports = (options) => ({
  ...options,
  entry: {
    main: options.entry,
    'embedded-postgres-worker': path.join(__dirname, 'src/infra/embedded-postgres-worker.ts'),
  },
  output: {
    ...options.output,
    filename: path.join(path.dirname(options.output.filename), '[name].js'),
  },
});
