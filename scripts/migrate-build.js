// Builds scripts/migrate.ts (the migration command of the Kubernetes Job and the docker-compose
// `db-migrate` service) into dist/tools/migrate.js with webpack, the way the Nest CLI bundles the
// apps: TypeScript transpiled, @dock/* libraries and the apps' migration classes inlined,
// node_modules left external (the image ships production node_modules).
const path = require('node:path');
const webpack = require('webpack');

const root = path.resolve(__dirname, '..');

const config = {
  mode: 'none',
  target: 'node',
  context: root,
  entry: path.join(root, 'scripts/migrate.ts'),
  output: {
    path: path.join(root, 'dist/tools'),
    filename: 'migrate.js',
    library: { type: 'commonjs2' },
  },
  devtool: false,
  resolve: {
    extensions: ['.ts', '.js', '.json'],
    // `@dock/platform` style imports resolve to libs/<name>/src (tsconfig paths).
    alias: Object.fromEntries(
      ['contracts', 'kafka', 'platform', 'protocol'].map((lib) => [
        `@dock/${lib}`,
        path.join(root, 'libs', lib, 'src'),
      ]),
    ),
  },
  // Everything that is not a relative import, an absolute path or @dock/* is a package.
  externals: [
    ({ request }, callback) => {
      if (/^[./]/.test(request) || path.isAbsolute(request) || request.startsWith('@dock/')) {
        return callback();
      }
      return callback(null, `commonjs ${request}`);
    },
  ],
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        exclude: /node_modules/,
        options: { transpileOnly: true, configFile: path.join(root, 'tsconfig.base.json') },
      },
    ],
  },
  optimization: { minimize: false, nodeEnv: false },
  node: { __dirname: false, __filename: false },
};

function build() {
  return new Promise((resolve, reject) => {
    webpack(config, (error, stats) => {
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true })));
      resolve(path.join(config.output.path, config.output.filename));
    });
  });
}

module.exports = { build, config };

if (require.main === module) {
  const started = Date.now();
  build().then(
    (file) =>
      console.log(
        `built migrate in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${path.relative(root, file)}`,
      ),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
