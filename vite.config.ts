import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { svelteTesting } from '@testing-library/svelte/vite';
import { configDefaults, defineConfig } from 'vitest/config';
import { findPostgresBin, POSTGRES_URL_VARIABLE } from './tests/sync-server/find-postgres.js';

// The PostgreSQL tests run against the server named by KONTOR_TEST_POSTGRES_URL, else against a
// throwaway cluster their global setup starts. Without either they are left out of the run, except
// in CI, which always provides PostgreSQL: there the setup fails loudly instead.
const postgresTests = ['tests/sync-server/postgres-*.test.ts', 'tests/sync/postgres-*.test.ts'];
// The server's own test suite runs on SQLite (unit) and again on PostgreSQL (KONTOR_TEST_STORAGE).
// The SIGKILL test reads the SQLite file itself; killing an instance on PostgreSQL is tested in
// tests/sync/postgres-instances.test.ts.
const serverSuite = [
	'tests/sync/**/*.test.ts',
	'tests/sync-server/accounts.test.ts',
	'tests/sync-server/http-api.test.ts'
];
const sqliteOnly = ['tests/sync/crash.test.ts'];
const postgresAvailable = Boolean(process.env[POSTGRES_URL_VARIABLE] || findPostgresBin() || process.env.CI);
// Vitest evaluates this file once per project: the note is printed once per run.
const leftOutNoted = Symbol.for('kontor.postgresTestsLeftOutNoted');
if (!postgresAvailable && process.env.VITEST && !(leftOutNoted in globalThis)) {
	Object.defineProperty(globalThis, leftOutNoted, { value: true });
	console.log(
		`PostgreSQL tests left out: no ${POSTGRES_URL_VARIABLE} set and no PostgreSQL installed (initdb, pg_ctl).`
	);
}

export default defineConfig({
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			registerType: 'prompt',
			// SvelteKit builds with relative asset paths; the worker must still be found at the root
			// when the app is first opened on a deep link such as /contacts/<id>.
			base: '/',
			scope: '/',
			injectRegister: false,
			kit: { adapterFallback: 'index.html', spa: true },
			manifest: {
				name: 'Kontor',
				short_name: 'Kontor',
				description: 'Offline-Adressbuch für kleine Unternehmen',
				lang: 'de',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				background_color: '#f6f7f9',
				theme_color: '#1f4e79',
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
					{ src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
				]
			},
			workbox: {
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webmanifest}'],
				navigateFallbackDenylist: [/^\/api\//, /^\/sync/]
			}
		})
	],
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: [
						'tests/domain/**/*.test.ts',
						'tests/crdt/**/*.test.ts',
						'tests/store/**/*.test.ts',
						'tests/sync/**/*.test.ts',
						'tests/sync-server/**/*.test.ts'
					],
					exclude: [...configDefaults.exclude, ...postgresTests]
				}
			},
			{
				extends: true,
				test: {
					name: 'postgres',
					environment: 'node',
					include: postgresAvailable ? [...postgresTests, ...serverSuite] : [],
					exclude: [...configDefaults.exclude, ...sqliteOnly],
					env: { KONTOR_TEST_STORAGE: 'postgres' },
					globalSetup: ['tests/sync-server/postgres-global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				extends: true,
				plugins: [svelteTesting()],
				test: {
					name: 'component',
					environment: 'jsdom',
					include: ['tests/ui/**/*.test.ts'],
					setupFiles: ['src/vitest-setup.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					environment: 'node',
					include: ['tests/e2e/**/*.test.ts'],
					globalSetup: ['tests/e2e/global-setup.ts'],
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
