import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Frameworks, drivers and I/O clients: adapters use them, domains never. */
const FRAMEWORKS_AND_DRIVERS = [
  '@nestjs/*',
  'kafkajs',
  'mqtt',
  'mqtt-packet',
  'ioredis',
  'typeorm',
  'pg',
  'pg-*',
  '@electric-sql/*',
  'aedes',
  'aedes-*',
  'express',
  '@aws-sdk/*',
  'prom-client',
  'pino',
  'busboy',
  '@dock/kafka',
  '@dock/platform',
];

/** `../../<app>/src/<anything but index>`: another app's inner file. */
const CROSS_APP_DEEP_IMPORT = {
  regex: '^(\\.\\./)+[a-z0-9-]+/src/(?!index$).+',
  message: "import another app only through its public entry point ('../../<app>/src')",
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.infra/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['scripts/**/*.js', '*.js', 'libs/kafka/src/kafkajs-request-queue-fix.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.js'],
    languageOptions: { globals: { jest: 'readonly' } },
  },
  {
    // An app is imported by another only through its public entry point (apps/<app>/src/index.ts):
    // no deep imports across apps. Tests may reach into another app's adapters.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [CROSS_APP_DEEP_IMPORT] }],
    },
  },
  {
    // Domains and libs/protocol are plain TypeScript: no framework, no driver, no I/O client.
    files: ['libs/protocol/**/*.ts', 'apps/**/domain/**/*.ts', 'libs/**/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            CROSS_APP_DEEP_IMPORT,
            {
              group: FRAMEWORKS_AND_DRIVERS,
              message:
                'domain code is plain TypeScript (ports and adapters): do this in an adapter',
            },
          ],
        },
      ],
    },
  },
);
