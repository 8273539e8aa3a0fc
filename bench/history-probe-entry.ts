/**
 * Browser bundle added as an init script to the app's pages in the history benchmark: it notices
 * the contact's form painted, and opens the "Verlauf" tab, timing it in the page from the click to
 * the first entries painted and to the whole timeline painted. Exposed as `window.KontorHistoryProbe`
 * (see history-api.ts).
 *
 * The contact page builds the Verlauf panel hidden once the browser is idle; a click before that
 * builds it then (HistoryTimeline renders the first 40 entries in the frame after the click and the
 * rest right after that frame). The timeline is newest first, so the whole of it is shown once the
 * panel is visible and its last entry (the contact's creation, the only one with a `<details>`) is in it.
 */
import type { HistoryProbeApi, TabOpen } from './history-api';
import { afterPaint, until } from './page-timing';

const PANEL = '#contact-panel-history';
const ENTRIES = `${PANEL} ol.entries > li.entry`;

function tab(name: string): HTMLElement {
	const found = [...document.querySelectorAll<HTMLElement>('[role=tab]')].find(
		(t) => t.textContent?.trim() === name
	);
	if (!found) throw new Error(`No tab "${name}" on ${location.pathname}`);
	return found;
}

function panel(): HTMLElement {
	const found = document.querySelector<HTMLElement>(PANEL);
	if (!found) throw new Error(`No ${PANEL} on ${location.pathname}`);
	return found;
}

/** The panel is shown (the page may have built it hidden beforehand). */
function shown(): boolean {
	return !panel().hidden;
}

/** The timeline's last entry is the creation of the contact: everything before it is rendered. */
function complete(): boolean {
	return shown() && document.querySelector(`${ENTRIES}:last-child > details`) !== null;
}

const formPainted: Promise<number> = until(
	() => document.querySelector('article.contact input') !== null && document.querySelector(PANEL) !== null,
	{ attributes: false, what: 'the contact form' }
).then(afterPaint);
// A page that never shows a contact must not report an unhandled rejection.
formPainted.catch(() => undefined);

/**
 * Resolves after the first frame painted with `check()` holding. The frame callback is requested
 * before the click, so it runs ahead of the timeline's own (which schedules the rest of the
 * entries): the message posted from it is queued first and lands right after that frame's paint,
 * not after the rest of the entries are built.
 */
function paintedWhen(check: () => boolean): Promise<number> {
	return new Promise((resolve) => {
		const onFrame = () => {
			if (!check()) {
				requestAnimationFrame(onFrame);
				return;
			}
			const channel = new MessageChannel();
			channel.port1.onmessage = () => {
				channel.port1.close();
				resolve(performance.now());
			};
			channel.port2.postMessage(null);
		};
		requestAnimationFrame(onFrame);
	});
}

async function openHistory(): Promise<TabOpen> {
	const root = panel();
	if (shown()) throw new Error('The history tab is open already');
	const first = paintedWhen(() => shown() && document.querySelector(ENTRIES) !== null);
	// The rest of the timeline is rendered in a task of its own: noticed when it is in the DOM.
	const all = until(complete, {
		root,
		attributes: true,
		timeoutMs: 30_000,
		what: 'the whole timeline'
	}).then(afterPaint);
	// The mark lets a CPU profile or trace of the same page line up with what the benchmark timed.
	const start = performance.mark('kontor-bench:history').startTime;
	tab('Verlauf').click();
	const [firstAt, allAt] = await Promise.all([first, all]);
	return {
		firstMs: firstAt - start,
		completeMs: allAt - start,
		items: document.querySelectorAll(ENTRIES).length,
		elements: root.querySelectorAll('*').length
	};
}

async function openData(settleMs: number): Promise<void> {
	tab('Stammdaten').click();
	await until(() => panel().hasAttribute('hidden'), {
		what: 'the history tab closed'
	});
	await afterPaint();
	await new Promise((resolve) => setTimeout(resolve, settleMs));
}

const probe: HistoryProbeApi = { formPainted, openHistory, openData };
window.KontorHistoryProbe = probe;
