// Lint exists mainly to enforce the dependency direction between projects:
// apps depend on libraries, libraries never on apps, and pure domain code
// never on adapters. Tags live in each project.json.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:platform', 'type:domain', 'type:runtime', 'type:adapter', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:domain', 'type:runtime', 'type:adapter', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:runtime', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:adapter', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

export default [
  { ignores: ['node_modules/**', 'dist/**', '.cache/**', '.nx/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests and their support files use the shared test helpers. Those
    // helpers depend on the code under test, so the rule would report a
    // cycle. Production files stay under the rule.
    files: ['**/*.spec.ts', '**/test/**/*.ts', '**/src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
];
