// ESLint for the whole repository (`npx eslint .`, run by .ci/run). Besides the recommended JavaScript and
// TypeScript rules it holds the repository's structure rules (docs/ARCHITECTURE.md, "Layers"):
//   - no import cycles (import-x/no-cycle), between modules and so between folders;
//   - layers point one way inside packages/nx-fastled/src: Nx-facing (plugin/, generators/, index.ts,
//     task-cli.ts) -> commands (cli/) -> domain (every other folder) -> util/. Nx itself is imported by the
//     Nx-facing layer, and required lazily by nx-compat/ (Nx internals and the local cache layout, for the
//     Nx-facing layer and the commands); the domain and util import neither;
//   - each package's shipped code imports only what its own package.json declares.
// Formatting is Prettier's (prettier.config.cjs); eslint-config-prettier turns off the rules it owns.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const SRC = 'packages/nx-fastled/src';
/** The Nx-facing layer: what Nx loads (the plugin, generators) and the task CLI's entry. */
const NX_FACING = [`${SRC}/plugin`, `${SRC}/generators`, `${SRC}/executors`, `${SRC}/index.ts`, `${SRC}/task-cli.ts`];
/** Nx internals behind one module, loaded lazily: for the Nx-facing layer and the commands. */
const NX_COMPAT = [`${SRC}/nx-compat`];
const COMMANDS = [`${SRC}/cli`];
const UTIL = [`${SRC}/util`];
/** Nx itself: only the Nx-facing layer may import it. */
const NX_IMPORTS = {
  patterns: [
    {
      regex: '^(nx|@nx/.+)(/.*)?$',
      message: 'Only the Nx-facing layer (plugin/, generators/) imports Nx; nx-compat/ wraps its internals (docs/ARCHITECTURE.md).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'vendor/**',
      '**/fixtures/**',
      'tools/bench/results/**',
      '.nx/**',
      'tmp/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  importX.flatConfigs.typescript,
  {
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.cjs', '.mjs', '.json', '.d.ts'] })],
    },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  // CommonJS scripts (bin launchers, jest configs)
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Layers of the plugin package, each importing only downwards.
  {
    files: [`${SRC}/**/*.ts`],
    ignores: [`${SRC}/**/*.spec.ts`],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: UTIL, from: `${SRC}`, except: ['./util'], message: 'util/ is the bottom layer: it imports nothing of the package.' },
            {
              target: NX_COMPAT,
              from: `${SRC}`,
              except: ['./nx-compat', './util'],
              message: 'nx-compat/ wraps Nx only: it imports util/ at most.',
            },
            {
              target: `${SRC}/!(plugin|generators|executors|nx-compat|cli|util)/**`,
              from: [...NX_FACING, ...NX_COMPAT, ...COMMANDS],
              message: 'The domain imports neither the Nx-facing layer, nx-compat nor the commands (docs/ARCHITECTURE.md).',
            },
            { target: COMMANDS, from: NX_FACING, message: 'Commands (cli/) do not import the Nx-facing layer (docs/ARCHITECTURE.md).' },
          ],
        },
      ],
    },
  },
  {
    files: [`${SRC}/**/*.ts`],
    ignores: [`${SRC}/**/*.spec.ts`, ...NX_FACING.map((p) => (p.endsWith('.ts') ? p : `${p}/**`))],
    rules: { 'no-restricted-imports': ['error', NX_IMPORTS] },
  },
  // nx-compat loads Nx lazily, so that the task CLI never loads it (see its header)
  { files: [`${SRC}/nx-compat/**/*.ts`], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Each package declares what its shipped code imports; tests and tools may use the root's devDependencies.
  {
    files: ['packages/nx-fastled/src/**/*.ts', 'packages/nx-fastled/bin/**'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        { packageDir: ['packages/nx-fastled'], devDependencies: false, peerDependencies: true },
      ],
    },
  },
  {
    files: ['packages/cache-server/src/**/*.ts', 'packages/cache-server/bin/**'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        { packageDir: ['packages/cache-server'], devDependencies: false, peerDependencies: true },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'packages/*/test/**', 'tools/**', '*.{js,cjs,mjs}'],
    rules: { 'import-x/no-extraneous-dependencies': ['error', { packageDir: ['.'], devDependencies: true }] },
  },
  prettier,
);
