import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { LAYERS } from './scripts/layers.js';

/**
 * The folders of src/ import only downwards (scripts/layers.js): for each folder, the folders above it are
 * restricted imports. scripts/check-import-graph.ts checks the same on resolved paths and refuses cycles.
 */
const layerRules = LAYERS.map((folder, index) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...(folder === 'action'
            ? []
            : [{ group: ['@actions/*'], message: 'Only src/action/ talks to the runner (@actions/*).' }]),
          ...LAYERS.slice(index + 1).map(higher => ({
            group: [`**/${higher}/*`, `**/${higher}`],
            message: `src/${folder}/ sits below src/${higher}/ (scripts/layers.js): import downwards only.`
          }))
        ]
      }
    ]
  }
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.demo/', '.emulator/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  ...layerRules
);
