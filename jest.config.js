// One jest config, four projects: unit (pure logic, no I/O, beside the code), use-cases (a
// service's use cases with its real services and store on the embedded PostgreSQL and the
// in-process bus: no Nest, no Kafka; beside the code, run with the unit tests), integration
// (real PostgreSQL, Redis, Mosquitto, Kafka) and e2e (whole system).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@dock/([^/]+)$': '<rootDir>/libs/$1/src',
  '^@dock/([^/]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'use-cases',
      testMatch: ['<rootDir>/{apps,libs}/**/*.usecase-spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.integration-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest/integration-timeout.js'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest/e2e-timeout.js'],
    },
  ],
};
