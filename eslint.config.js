import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
