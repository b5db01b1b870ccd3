import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import boundaries from 'eslint-plugin-boundaries';

/**
 * The dependency rule (docs/architecture.md), top to bottom: every import points down or stays in
 * its layer. The first matching element wins, so single files come before their folders.
 */
const layers = [
  { type: 'entry', pattern: ['functions/index.ts', 'host/**', 'scripts/**'] },
  { type: 'functions', pattern: 'functions/**' },
  { type: 'app', pattern: 'shared/app.ts' },
  { type: 'problem', pattern: 'shared/http/problem.ts' },
  { type: 'audit-emission', pattern: ['shared/audit/emit.ts', 'shared/audit/event.ts'] },
  { type: 'http', pattern: 'shared/http/**' },
  { type: 'access', pattern: 'shared/access/**' },
  { type: 'platform', pattern: 'shared/platform/**' },
  // Every other folder under shared/ is a feature module: a new module (planning, sustainability) is
  // checked from its first file, with no line to add here.
  { type: 'feature', pattern: 'shared/*/**' },
];

const order = ['entry', 'functions', 'app', 'feature', 'http', 'audit-emission', 'access', 'problem', 'platform'];
/** Each layer may import its own and every layer below it, never one above. */
const layerPolicies = order.map((type, i) => ({
  from: { element: { type } },
  disallow: { to: { element: { types: { anyOf: order.slice(0, i) } } } },
}));

const layerRules = {
  plugins: { boundaries },
  settings: {
    'import/resolver': { typescript: { project: 'tsconfig.json' } },
    // Matched against the whole path from the project root: a layer can be a single file.
    'boundaries/elements': layers.map((l) => ({ ...l, mode: 'full' })),
    'boundaries/legacy-warnings': false,
    // Type-only imports count: a type import upward is still a dependency on the layer above.
    'boundaries/dependency-nodes': ['import', 'dynamic-import', 'export'],
  },
  rules: { 'boundaries/dependencies': ['error', { default: 'allow', policies: layerPolicies }] },
};

/**
 * Production code belongs to a layer and imports only files that do: a stray `shared/x.ts` or an
 * import of test/ or bench/ code fails instead of escaping the rule unseen.
 */
const noUnclassified = {
  files: ['functions/**/*.ts', 'shared/**/*.ts', 'host/**/*.ts', 'scripts/**/*.ts'],
  rules: { 'boundaries/no-unknown-files': 'error', 'boundaries/no-unknown-dependencies': 'error' },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.local/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { files: ['**/*.ts'], ...layerRules },
  noUnclassified,
  { files: ['host/**/*.ts', 'shared/platform/local/**/*.ts', 'scripts/**/*.ts', 'bench/**', 'test/**'], rules: { 'no-console': 'off' } },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: { ...globals.node } } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
