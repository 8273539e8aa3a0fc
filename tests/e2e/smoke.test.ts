import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, newAppPage, waitFor } from './browser';

interface ManifestIcon {
	src: string;
	sizes: string;
	type?: string;
	purpose?: string;
}

const baseURL = inject('baseURL');
let browser: Browser;

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
});

describe('smoke', () => {
	it('loads the app with a title naming Kontor', async () => {
		const app = await newAppPage(browser, baseURL);
		try {
			const response = await app.page.goto('/');
			expect(response?.status()).toBe(200);
			await waitFor(async () => expect(await app.page.title()).toMatch(/Kontor$/));
		} finally {
			await app.close();
		}
	});

	it('serves the web app manifest with the three icons', async () => {
		const res = await fetch(`${baseURL}/manifest.webmanifest`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toContain('application/manifest+json');
		const manifest = (await res.json()) as { name?: string; icons?: ManifestIcon[] };
		expect(manifest.name).toBe('Kontor');

		const icons = manifest.icons ?? [];
		expect(icons).toHaveLength(3);
		expect(icons.map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`).sort()).toEqual([
			'192x192 any',
			'512x512 any',
			'512x512 maskable'
		]);
		for (const icon of icons) {
			const image = await fetch(new URL(icon.src, `${baseURL}/`));
			expect(image.status, icon.src).toBe(200);
			expect(image.headers.get('content-type'), icon.src).toBe('image/png');
			const bytes = new Uint8Array(await image.arrayBuffer());
			// PNG signature, then the IHDR width, which must match the declared size.
			expect(Array.from(bytes.subarray(0, 4)), icon.src).toEqual([0x89, 0x50, 0x4e, 0x47]);
			const width = new DataView(bytes.buffer, bytes.byteOffset).getUint32(16);
			expect(`${width}x${width}`, icon.src).toBe(icon.sizes);
		}
	});

	it('serves the service worker uncached', async () => {
		const res = await fetch(`${baseURL}/sw.js`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toContain('javascript');
		expect(res.headers.get('cache-control')).toBe('no-cache');
	});
});
