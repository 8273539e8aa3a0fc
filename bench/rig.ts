/**
 * What every benchmark runner needs around its measurements: a current production build, a warning
 * when the machine is busy, the real server on a free port serving it, and Chromium; all stopped
 * again afterwards, whatever happened.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../sync-server/static-server';
import { launchBrowser } from '../tests/e2e/browser';

/** What a runner's measurement gets from the rig. */
export interface Rig<B> {
	/** What `prepare` made (the runner's browser bundles). */
	bundles: B;
	browser: Browser;
	baseURL: string;
	/** The load average when the rig started, for the report. */
	loadAtStart: number[];
}

/**
 * Runs `measure` against the built app. `script` names the npm script that builds first, for the
 * message when there is no build; `prepare` runs before the server starts and its result (the
 * runner's bundles) is handed to `measure`.
 */
export async function withRig<B, T>(
	script: string,
	prepare: () => Promise<B>,
	measure: (rig: Rig<B>) => Promise<T>
): Promise<T> {
	const buildDir = fileURLToPath(new URL('../build', import.meta.url));
	if (!existsSync(path.join(buildDir, 'index.html')))
		throw new Error(`No production build in ${buildDir}: run \`npm run build\` first (${script} does).`);
	const loadAtStart = os.loadavg();
	if ((loadAtStart[0] ?? 0) > os.cpus().length / 2)
		console.warn(
			`Warning: load average ${loadAtStart[0]?.toFixed(1)} — other work on this machine will skew the timings.`
		);
	const bundles = await prepare();
	const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kontor-bench-data-'));
	let server: RunningServer | null = null;
	let browser: Browser | null = null;
	try {
		server = await startServer({ port: 0, host: '127.0.0.1', buildDir, dataDir });
		const baseURL = `http://127.0.0.1:${server.port}`;
		browser = await launchBrowser();
		console.log(`Kontor at ${baseURL}, Chromium ${browser.version()}, ${os.cpus().length} cores`);
		return await measure({ bundles, browser, baseURL, loadAtStart });
	} finally {
		await browser?.close();
		await server?.close();
		await rm(dataDir, { recursive: true, force: true });
	}
}
