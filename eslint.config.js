// ESLint (flat config): the recommended JavaScript and typescript-eslint rules. Formatting is
// Prettier's job (.prettierrc.json), so no style rules here. `npm run lint` runs both.
// Not type-aware: typed linting took several times longer on this project (README "Lint").
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'data/', 'test-artifacts/', 'coverage/', 'web/**/vendor/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Unused values are errors, except `_name` placeholders and a caught error left unread.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // The code writes `let x = fallback; try { x = read() } catch { x = fallback }` on purpose:
      // the fallback is visible in both branches. Pure style, so off.
      'no-useless-assignment': 'off',
      // ASCII range tests such as /[^\x00-\x7f]/ are intended, not a stray control character.
      'no-control-regex': 'off',
      // Tests match YAML indentation literally ("\n  chest_pain:"); two spaces read better than { 2}.
      'no-regex-spaces': 'off',
    },
  },
  {
    // The command, the dev script, configs and test fixtures run in Node.
    files: ['bin/**/*.js', '*.config.{js,ts}', 'scripts/**/*.{js,ts}', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The widget, chat page and agent console are plain browser scripts (no modules, no build).
    files: ['web/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, WebChat: 'readonly', Chart: 'readonly' } },
  },
);
