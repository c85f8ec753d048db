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
  ...layerRules,
  {
    // The Azure stand-in imports nothing of the product but its template engine (src/arm/), so a mistake in
    // the product cannot hide in the stand-in that tests it. Why the engine is shared: emulator/README.md.
    files: ['emulator/**/*.ts', 'emulator/**/*.mjs'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!arm/)',
              message:
                "emulator/ may import src/arm/ only: write the stand-in's own version from Azure's documentation."
            }
          ]
        }
      ]
    }
  }
);
