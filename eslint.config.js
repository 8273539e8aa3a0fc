import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/', 'bench/results/', 'bench/.cache/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'@typescript-eslint/no-explicit-any': 'error',
			// Kontor is served at the origin's root (no `paths.base`), so plain hrefs are already resolved.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// Layers (ARCHITECTURE.md): the domain core imports nothing of ours; the UI never reaches Dexie or Yjs.
		files: ['src/lib/domain/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: ['$lib/*', '../*', 'dexie', 'yjs', 'svelte', 'svelte/*'] }
			]
		}
	},
	{
		files: ['src/lib/ui/**/*', 'src/routes/**/*'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						'dexie',
						'yjs',
						'y-protocols',
						'y-protocols/*',
						'$lib/crdt',
						'$lib/crdt/*',
						'$lib/store/*',
						'../../store/*'
					]
				}
			]
		}
	}
);
