import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every route renders on the device from IndexedDB, so the server
		// only hands out the shell and `index.html` is the fallback for every path.
		adapter: adapter({ fallback: 'index.html' }),
		serviceWorker: { register: false }
	}
};

export default config;
