import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const restrict = (...patterns) => ['error', { patterns }]
const noElectron = {
  group: ['electron'],
  message: 'Only electron/main/app/ and the preload may import electron.',
}
const noNode = { group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' }
const noMainFromOutside = {
  group: ['**/electron/main/**', '**/electron/preload/**'],
  message: 'Only main may import main code.',
}
const noRenderer = { group: ['**/renderer/**'], message: 'Nothing imports the renderer.' }

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'release/**',
      'node_modules/**',
      'resources/stack/*/dist/**',
      '**/*.cjs',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  { files: ['**/*.{js,mjs}'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'bench/**', 'test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(noElectron, noNode, noMainFromOutside, {
        group: ['**/shared/messages*'],
        message: 'The renderer uses shared/contract only.',
      }),
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(noNode, noRenderer, {
        group: ['**/electron/main/**'],
        message: 'The preload uses shared/contract only.',
      }),
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    ignores: ['electron/main/app/**'],
    rules: { 'no-restricted-imports': restrict(noElectron, noRenderer) },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(noElectron, noRenderer, noMainFromOutside) },
  },
  {
    files: ['resources/stack/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(noElectron, noRenderer, noMainFromOutside, {
        group: ['**/shared/contract/**', '**/shared/contract'],
        message: 'Stack services share only shared/messages with the app.',
      }),
    },
  },
)
