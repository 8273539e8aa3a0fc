/**
 * Timing helpers that run inside the browser. Waiting happens in the page (mutation observers),
 * so no Playwright round trip is part of a measured time.
 */

/**
 * Resolves with `performance.now()` once the current DOM state has been painted: a
 * requestAnimationFrame callback runs just before the frame's paint, and a message posted from it
 * is handled right after that frame.
 */
export function afterPaint(): Promise<number> {
	return new Promise((resolve) => {
		requestAnimationFrame(() => {
			const channel = new MessageChannel();
			channel.port1.onmessage = () => {
				channel.port1.close();
				resolve(performance.now());
			};
			channel.port2.postMessage(null);
		});
	});
}

/**
 * Resolves as soon as `check()` holds: re-checked on every DOM mutation under `root` (and, as a
 * safety net, every 50 ms). Rejects after `timeoutMs`.
 */
export function until(
	check: () => boolean,
	{
		root = document as Node,
		attributes = true,
		attributeFilter = undefined as string[] | undefined,
		timeoutMs = 120_000,
		what = 'condition'
	} = {}
): Promise<void> {
	return new Promise((resolve, reject) => {
		if (check()) {
			resolve();
			return;
		}
		const finish = (error?: Error) => {
			observer.disconnect();
			clearInterval(poll);
			clearTimeout(limit);
			if (error) reject(error);
			else resolve();
		};
		const test = () => {
			if (check()) finish();
		};
		const observer = new MutationObserver(test);
		observer.observe(root, {
			subtree: true,
			childList: true,
			characterData: true,
			...(attributeFilter ? { attributeFilter } : { attributes })
		});
		const poll = setInterval(test, 50);
		const limit = setTimeout(() => finish(new Error(`Timed out waiting for ${what}`)), timeoutMs);
	});
}
