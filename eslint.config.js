// ESLint: type-checked rules plus the dependency rules of STYLE.md, written as
// no-restricted-imports / no-restricted-properties so a violation fails `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const fastifyOnly = {
  group: ['fastify', 'fastify/*', '@fastify/*'],
  allowTypeImports: true,
  message: 'Only *.routes.ts files and src/platform/http import Fastify (STYLE.md).',
};
const awsOnly = {
  group: ['@aws-sdk/*'],
  message: 'Only src/platform/files/s3.ts imports the AWS SDK.',
};
const graphileOnly = {
  group: ['graphile-worker'],
  message: 'Only src/platform/jobs/graphile.ts imports graphile-worker.',
};
const otherCapabilityInternals = {
  regex: '^\\.\\./[a-z-]+/[a-z-]+\\.(store|table|routes|tasks)\\.ts$',
  message:
    "A capability uses another capability's service, never its store, table, routes or tasks.",
};
const upward = (depth) => ({
  regex: '^' + '\\.\\./'.repeat(depth),
  message: 'platform/ has no billing knowledge: it never imports a capability.',
});
const restrict = (...patterns) => ['error', { patterns }];

export default tseslint.config(
  {
    ignores: ['node_modules/**', '.folio/**', 'bench/results/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test's test()/describe() return promises the runner awaits itself.
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: [
                'test',
                'it',
                'describe',
                'suite',
                'before',
                'after',
                'beforeEach',
                'afterEach',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/require-await': 'off',
      'no-restricted-imports': restrict(fastifyOnly, awsOnly, graphileOnly),
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config.ts reads process.env.' },
      ],
    },
  },
  // Capability files: no reaching into another capability's internals.
  {
    files: ['src/*/*.ts'],
    ignores: ['src/platform/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': restrict(
        fastifyOnly,
        awsOnly,
        graphileOnly,
        otherCapabilityInternals,
      ),
    },
  },
  {
    files: ['src/*/*.service.ts'],
    ignores: ['src/platform/**'],
    rules: {
      'no-restricted-imports': restrict(
        fastifyOnly,
        awsOnly,
        graphileOnly,
        otherCapabilityInternals,
        {
          regex: '\\.routes\\.ts$',
          message: 'Services never import routes (routes → service → store).',
        },
      ),
    },
  },
  {
    files: ['src/*/*.store.ts', 'src/*/*.table.ts'],
    ignores: ['src/platform/**'],
    rules: {
      'no-restricted-imports': restrict(
        fastifyOnly,
        awsOnly,
        graphileOnly,
        otherCapabilityInternals,
        {
          regex: '\\.(routes|service|tasks)\\.ts$',
          message: 'Stores only run queries: they never import routes, services or tasks.',
        },
      ),
    },
  },
  // Route files may import Fastify.
  {
    files: ['src/**/*.routes.ts'],
    rules: {
      'no-restricted-imports': restrict(awsOnly, graphileOnly, otherCapabilityInternals),
    },
  },
  // platform/: never a capability; http may import Fastify; s3/graphile adapters their SDKs.
  {
    files: ['src/platform/*.ts'],
    rules: { 'no-restricted-imports': restrict(fastifyOnly, awsOnly, graphileOnly, upward(1)) },
  },
  {
    files: ['src/platform/*/*.ts'],
    rules: { 'no-restricted-imports': restrict(fastifyOnly, awsOnly, graphileOnly, upward(2)) },
  },
  {
    files: ['src/platform/http/*.ts'],
    rules: { 'no-restricted-imports': restrict(awsOnly, graphileOnly, upward(2)) },
  },
  {
    files: ['src/platform/files/s3.ts'],
    rules: { 'no-restricted-imports': restrict(fastifyOnly, graphileOnly, upward(2)) },
  },
  {
    files: ['src/platform/jobs/graphile.ts'],
    rules: { 'no-restricted-imports': restrict(fastifyOnly, awsOnly, upward(2)) },
  },
  // The configuration reader and the test harness may read the environment.
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  // Tests and bench may build apps and adapters directly.
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // The typed client stands alone (it also talks to Zuora): nothing from Folio's src/.
  {
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(fastifyOnly, awsOnly, graphileOnly, {
        regex: '^\\.\\./',
        message: 'client/ imports only its own files and openapi-fetch, never src/.',
      }),
    },
  },
  // Generated by openapi-typescript from openapi.json (npm run gen): its unions are its own.
  {
    files: ['client/openapi.ts'],
    rules: {
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/no-duplicate-type-constituents': 'off',
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  // The web console's browser modules (src/console/public): plain ES modules, browser globals.
  {
    files: ['src/console/public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'history',
          'fetch',
          'URL',
          'URLSearchParams',
          'Blob',
          'FormData',
          'Node',
          'sessionStorage',
          'localStorage',
          'setTimeout',
          'clearTimeout',
          'AbortController',
          'console',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
);
